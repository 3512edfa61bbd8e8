export * from "./eigen";
export * from "./pca";
export * from "./convolution";
export * from "./losses";
