export * from "./autoencoder";
export * from "./io";
