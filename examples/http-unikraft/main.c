/* Minimal HTTP/1.1 server: answers every request with 200 OK and closes. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>

#define PORT 80

static const char reply[] =
	"HTTP/1.1 200 OK\r\n"
	"Content-Type: text/plain\r\n"
	"Content-Length: 23\r\n"
	"Connection: close\r\n"
	"\r\n"
	"Hello from a unikernel\n";

int main(void)
{
	struct sockaddr_in addr;
	char buf[1024];
	int srv, one = 1;

	srv = socket(AF_INET, SOCK_STREAM, 0);
	if (srv < 0) {
		printf("socket failed\n");
		return 1;
	}
	setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_ANY);
	addr.sin_port = htons(PORT);
	if (bind(srv, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(srv, 16) < 0) {
		printf("bind/listen failed\n");
		return 1;
	}
	printf("listening on port %d\n", PORT);
	fflush(stdout);

	for (;;) {
		int c = accept(srv, NULL, NULL);
		if (c < 0)
			continue;
		recv(c, buf, sizeof(buf), 0);
		send(c, reply, sizeof(reply) - 1, 0);
		close(c);
	}
	return 0;
}
