/*
 * unik's crun launcher for hosts with hybrid cgroups (v1 controllers plus a cgroup2 hierarchy that has
 * controllers of its own), where crun refuses to start anything. It gives crun a private mount namespace in
 * which /sys/fs/cgroup/unified is not mounted, so crun sees plain cgroup v1, as runc does; the host's mounts
 * are untouched. Usage: without-cgroup2 crun [args...]. Built by `unik bench` into its scratch directory.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s program [args...]\n", argv[0]);
		return 2;
	}
	if (unshare(CLONE_NEWNS) != 0) {
		perror("without-cgroup2: unshare(CLONE_NEWNS)");
		return 125;
	}
	/* Private propagation first, so the unmount below stays inside this namespace. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
		perror("without-cgroup2: make / private");
		return 125;
	}
	if (umount2("/sys/fs/cgroup/unified", MNT_DETACH) != 0) {
		perror("without-cgroup2: umount /sys/fs/cgroup/unified");
		return 125;
	}
	execvp(argv[1], argv + 1);
	perror(argv[1]);
	return 127;
}
