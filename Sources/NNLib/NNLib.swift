// NNLib module.
