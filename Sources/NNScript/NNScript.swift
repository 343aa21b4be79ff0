// NNScript module.
