/* Prints $GREETING and a file that came into the image through unik.yaml's files (nolibc: plain open/read). */
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	const char *path = argc > 1 ? argv[1] : "/etc/greeting.txt";
	const char *greeting = getenv("GREETING");
	char buf[256];
	ssize_t n;
	int fd;

	printf("GREETING=%s\n", greeting ? greeting : "(unset)");
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("cannot open %s\n", path);
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		printf("%s", buf);
	}
	close(fd);
	return 0;
}
