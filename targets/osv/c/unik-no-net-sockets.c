/*
 * Linked into OSv kernels built without the network stack (conf_networking_stack=0): the pinned OSv's
 * core/io_uring.cc calls these socket functions unconditionally, so such a kernel does not link without them.
 * With no network stack there are no sockets: socket() has no address family to offer, and every other call
 * is on a file descriptor that cannot be a socket.
 */
#include <errno.h>
#include <sys/socket.h>

static int fail(int e) { errno = e; return -1; }

int socket(int domain, int type, int protocol) { (void)domain; (void)type; (void)protocol; return fail(EAFNOSUPPORT); }
int bind(int fd, const struct sockaddr *a, socklen_t l) { (void)fd; (void)a; (void)l; return fail(ENOTSOCK); }
int connect(int fd, const struct sockaddr *a, socklen_t l) { (void)fd; (void)a; (void)l; return fail(ENOTSOCK); }
int listen(int fd, int backlog) { (void)fd; (void)backlog; return fail(ENOTSOCK); }
int accept4(int fd, struct sockaddr *a, socklen_t *l, int flags) { (void)fd; (void)a; (void)l; (void)flags; return fail(ENOTSOCK); }
int shutdown(int fd, int how) { (void)fd; (void)how; return fail(ENOTSOCK); }
ssize_t send(int fd, const void *b, size_t n, int flags) { (void)fd; (void)b; (void)n; (void)flags; return fail(ENOTSOCK); }
ssize_t recv(int fd, void *b, size_t n, int flags) { (void)fd; (void)b; (void)n; (void)flags; return fail(ENOTSOCK); }
ssize_t sendmsg(int fd, const struct msghdr *m, int flags) { (void)fd; (void)m; (void)flags; return fail(ENOTSOCK); }
ssize_t recvmsg(int fd, struct msghdr *m, int flags) { (void)fd; (void)m; (void)flags; return fail(ENOTSOCK); }
