export * from "./autoencoder";
