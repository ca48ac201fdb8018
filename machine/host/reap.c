/*
 * unik's parent for a VMM or tender process: it runs the command, ties its life to unik's (parent-death
 * signal, as `setpriv --pdeathsig KILL` did), passes SIGTERM, SIGINT and SIGHUP on, and relays the command's
 * stdout (the guest console) to its own, noting when the first byte came. When the command ends it writes one
 * line to fd 3: its peak resident memory in KiB (wait4's ru_maxrss: the kernel's own high-water mark, nothing
 * sampled), then the CLOCK_MONOTONIC nanoseconds of the first console byte (0: none) and of the command's end,
 * then exits as the command did. The times are the reaper's own, so they stay exact while unik's event loop is
 * busy (loading its CLI while a guest it started early boots); Node's hrtime reads the same clock.
 * Usage: reap COMMAND [ARGS...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile pid_t child;

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Copy what is readable from `in` to stdout: 1 copied, -1 nothing to read now, 0 end of file (or a read error). */
static int pass(int in, long long *first)
{
	char buf[65536];
	ssize_t n = read(in, buf, sizeof buf);

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? -1 : 0;
	if (n == 0)
		return 0;
	if (!*first)
		*first = now_ns();
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(1, buf + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return 1; /* unik stopped reading: the console is dropped, the command still runs and is reaped */
		off += w;
	}
	return 1;
}

int main(int argc, char **argv)
{
	const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa = { .sa_handler = forward };
	struct rusage ru;
	pid_t parent = getppid();
	long long first = 0, end = 0;
	int status, relay[2];

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

	if (pipe2(relay, O_CLOEXEC) != 0) {
		perror("reap: pipe");
		return 125;
	}
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
		if (dup2(relay[1], 1) < 0)
			_exit(125);
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	close(relay[1]);
	/*
	 * Relay until the console's end of file. Something the command started could hold its stdout open after it
	 * exits, so the command's own end also stops the relay, after what is left has been passed on.
	 */
	for (;;) {
		struct pollfd p = { .fd = relay[0], .events = POLLIN };

		if (poll(&p, 1, 100) > 0 && pass(relay[0], &first) == 0)
			break;
		if (wait4(child, &status, WNOHANG, &ru) == child) {
			end = now_ns();
			fcntl(relay[0], F_SETFL, O_NONBLOCK);
			while (pass(relay[0], &first) > 0)
				;
			break;
		}
	}
	if (!end) {
		while (wait4(child, &status, 0, &ru) < 0)
			if (errno != EINTR) {
				perror("reap: wait4");
				return 125;
			}
		end = now_ns();
	}
	dprintf(3, "%ld %lld %lld\n", ru.ru_maxrss, first, end);
	if (WIFSIGNALED(status)) {
		/* End the way the command ended, so unik sees the same signal. */
		signal(WTERMSIG(status), SIG_DFL);
		raise(WTERMSIG(status));
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 125;
}
