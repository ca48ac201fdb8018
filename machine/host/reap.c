/*
 * unik's parent for a VMM or tender process: it runs the command, ties its life to unik's (parent-death
 * signal, as `setpriv --pdeathsig KILL` did), passes SIGTERM, SIGINT and SIGHUP on, and when the command ends
 * writes its peak resident memory in KiB (wait4's ru_maxrss: the kernel's own high-water mark, nothing sampled)
 * to fd 3, then exits as the command did. Usage: reap COMMAND [ARGS...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile pid_t child;

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

int main(int argc, char **argv)
{
	const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa = { .sa_handler = forward };
	struct rusage ru;
	pid_t parent = getppid();
	int status;

	if (argc < 2) {
		fprintf(stderr, "usage: %s command [args...]\n", argv[0]);
		return 2;
	}
	/* Die with unik, even when it is killed with SIGKILL; the command dies with us the same way. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		return 125;
	/* The report channel is ours: the command must not inherit it. */
	fcntl(3, F_SETFD, FD_CLOEXEC);
	sigemptyset(&sa.sa_mask);
	for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);

	parent = getpid();
	child = fork();
	if (child < 0) {
		perror("reap: fork");
		return 125;
	}
	if (child == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
			_exit(125);
		/*
		 * No transparent huge pages for the command: QEMU madvises its guest RAM and TCG code buffer huge, so a
		 * guest that touches a few bytes in each 2 MiB region holds whole huge pages (32 of a 64 MiB guest's
		 * MiB resident for 2 MiB of data); with 4 KiB pages it holds what it touched. Inherited across exec.
		 */
		prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	while (wait4(child, &status, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("reap: wait4");
			return 125;
		}
	dprintf(3, "%ld\n", ru.ru_maxrss);
	if (WIFSIGNALED(status)) {
		/* End the way the command ended, so unik sees the same signal. */
		signal(WTERMSIG(status), SIG_DFL);
		raise(WTERMSIG(status));
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 125;
}
