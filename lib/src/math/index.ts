export * from "./eigen";
export * from "./pca";
export * from "./convolution";
export * from "./losses";
export * from "./sparsity";
export * from "./neighbours";
export * from "./elbo";
export * from "./quantile";
