/*
 * An ordinary Linux program (glibc), not written for Unikraft: built on the host with
 *   cc -O2 -static-pie -o hello hello.c      (or: cc -O2 -o hello hello.c, a dynamic PIE)
 * and run unchanged by app-elfloader. It prints its arguments, a variable from `env` and a file from `files`,
 * then exits with the status its first argument names ("exit 3"), through glibc's exit().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char *argv[])
{
	char line[256];
	FILE *f;

	printf("hello from %s, a Linux program on Unikraft\n", argv[0]);
	for (int i = 1; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	printf("GREETING=%s\n", getenv("GREETING") ? getenv("GREETING") : "(unset)");
	f = fopen("/etc/motd", "r");
	if (f && fgets(line, sizeof(line), f))
		printf("motd: %s", line);
	if (f)
		fclose(f);
	if (argc > 2 && !strcmp(argv[1], "exit"))
		exit(atoi(argv[2]));
	return 0;
}
