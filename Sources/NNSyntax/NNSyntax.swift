// NNSyntax module.
