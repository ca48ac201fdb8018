/* Prints $GREETING, then a file that came into the image through unik.yaml's files (nolibc: plain open/read). */
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	const char *greeting = getenv("GREETING");
	static char text[4096];
	ssize_t len = -1;
	int fd = open(argc > 1 ? argv[1] : "/etc/greeting.txt", O_RDONLY);

	printf("GREETING=%s\n", greeting ? greeting : "(unset)");
	if (fd >= 0) {
		len = read(fd, text, sizeof(text) - 1);
		close(fd);
	}
	if (len < 0) {
		printf("cannot read the file\n");
		return 1;
	}
	text[len] = '\0';
	fputs(text, stdout);
	return 0;
}
