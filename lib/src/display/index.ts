export {
  DISPLAY,
  display,
  openDisplay,
  isDisplayable,
  kernelAvailable,
  KERNEL_PUBLISH,
  toMimeBundle,
} from "./bundle";
export type { DisplayContent, DisplayHandle, Displayable, MimeBundle, PublishDisplay } from "./bundle";
export { Chart, chart, concatCharts, lineChart, scatterChart } from "./chart";
export type {
  ConcatOptions,
  LineChartOptions,
  LineSeries,
  OverlayLine,
  ScatterChartOptions,
  VegaLiteSpec,
} from "./chart";
export { ImageGrid, imageGrid, ImageGridRows, imageGridRows } from "./images";
export type { ImageGridOptions, ImageGridRow, ImageInput, PixelScaling, RenderedGrid } from "./images";
export { formatDuration, formatMetric, Progress } from "./progress";
export type { ProgressOptions, ProgressStats, ProgressStream } from "./progress";
