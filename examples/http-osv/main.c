/*
 * Two listeners in one process: every request gets 200 OK naming the port that took it. OSv runs this
 * Linux PIE unchanged, so the same file builds and serves on the host with plain gcc too.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

static int listen_on(int port)
{
	struct sockaddr_in addr;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_ANY);
	addr.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 16) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void answer(int fd, int port)
{
	char req[1024], body[64], head[160];
	int c = accept(fd, NULL, NULL), n;

	if (c < 0)
		return;
	recv(c, req, sizeof(req), 0);
	n = snprintf(body, sizeof(body), "Hello from OSv on port %d\n", port);
	snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", n);
	send(c, head, strlen(head), 0);
	send(c, body, n, 0);
	close(c);
}

int main(int argc, char *argv[])
{
	int ports[2] = { argc > 1 ? atoi(argv[1]) : 80, argc > 2 ? atoi(argv[2]) : 8080 };
	struct pollfd fds[2];

	for (int i = 0; i < 2; i++) {
		fds[i].fd = listen_on(ports[i]);
		fds[i].events = POLLIN;
		if (fds[i].fd < 0) {
			printf("cannot listen on port %d\n", ports[i]);
			return 1;
		}
	}
	printf("listening on ports %d and %d\n", ports[0], ports[1]);
	fflush(stdout);
	for (;;) {
		if (poll(fds, 2, -1) < 0)
			continue;
		for (int i = 0; i < 2; i++)
			if (fds[i].revents & POLLIN)
				answer(fds[i].fd, ports[i]);
	}
}
