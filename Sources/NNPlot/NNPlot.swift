// NNPlot: terminal and SVG figures.
