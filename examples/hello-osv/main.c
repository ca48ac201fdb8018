#include <stdio.h>

int main(int argc, char *argv[])
{
	const char *who = argc > 1 ? argv[1] : "unikernel";

	printf("Hello, %s! (from a unik-built OSv unikernel)\n", who);
	return 0;
}
