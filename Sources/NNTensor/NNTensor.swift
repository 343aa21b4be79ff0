// NNTensor module.
