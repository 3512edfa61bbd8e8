export * from "./loop";
export * from "./schedule";
export * from "./autoencoder";
