// Small charts drawn by hand in SVG: vertical bars, stacked bars with a legend, a small line chart for
// small multiples, a long tail on a log scale, a heat map, a proportion bar, bars of shares, and the
// arrow that says whether a figure went the right way. Each chart is an image with a title and a text
// description of its data, and each bar, point or cell has its own tooltip.
export { niceStep, seriesClass, shortLabel } from './frame';
export { BarChart, Legend, ShareBars, StackedBarChart, type Bar, type Series, type StackGroup } from './bars';
export { Delta, ProportionBar, type Part } from './proportion';
export { LineChart, LongTailChart, type Point } from './lines';
export { HEAT_STEPS, HeatMap, heatLegend, heatLevel, type HeatCell, type HeatRowData } from './HeatMap';
export { IntervalChart, type IntervalRow } from './IntervalChart';
