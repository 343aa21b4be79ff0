// ZeroMQ (libzmq 4.x): the sockets of the Jupyter kernel (NNKernel only).
#include <zmq.h>
