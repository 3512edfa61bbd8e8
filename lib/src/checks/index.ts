export * from "./assert";
export * from "./runner";
export * from "./notebook";
export * as pcaChecks from "./pca";
export * as convolutionChecks from "./convolution";
export * as autoencodersChecks from "./autoencoders";
export * as vaeChecks from "./vae";
export * as ganChecks from "./gan";
