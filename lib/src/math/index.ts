export * from "./eigen";
export * from "./pca";
