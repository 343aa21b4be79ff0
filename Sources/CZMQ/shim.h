// ZeroMQ (libzmq 4.x): the sockets of the Jupyter kernel (NNKernel only).
//
// Not linked: NNKernel opens libzmq.so.5 with dlopen when a kernel starts
// (KernelLibrary.swift), so plain `nn` runs do not load libzmq and its
// dependencies (krb5, sodium, pgm, norm...). The header gives the types and
// constants; the function-pointer types below are the declarations' own.
#include <zmq.h>
#include <dlfcn.h>

typedef __typeof__(zmq_strerror) *nn_zmq_strerror_fn;
typedef __typeof__(zmq_errno) *nn_zmq_errno_fn;
typedef __typeof__(zmq_ctx_new) *nn_zmq_ctx_new_fn;
typedef __typeof__(zmq_ctx_term) *nn_zmq_ctx_term_fn;
typedef __typeof__(zmq_socket) *nn_zmq_socket_fn;
typedef __typeof__(zmq_setsockopt) *nn_zmq_setsockopt_fn;
typedef __typeof__(zmq_bind) *nn_zmq_bind_fn;
typedef __typeof__(zmq_connect) *nn_zmq_connect_fn;
typedef __typeof__(zmq_close) *nn_zmq_close_fn;
typedef __typeof__(zmq_poll) *nn_zmq_poll_fn;
typedef __typeof__(zmq_msg_init) *nn_zmq_msg_init_fn;
typedef __typeof__(zmq_msg_close) *nn_zmq_msg_close_fn;
typedef __typeof__(zmq_msg_recv) *nn_zmq_msg_recv_fn;
typedef __typeof__(zmq_msg_size) *nn_zmq_msg_size_fn;
typedef __typeof__(zmq_msg_data) *nn_zmq_msg_data_fn;
typedef __typeof__(zmq_msg_more) *nn_zmq_msg_more_fn;
typedef __typeof__(zmq_send) *nn_zmq_send_fn;
