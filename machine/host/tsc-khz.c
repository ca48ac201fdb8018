/*
 * Measures this host's TSC frequency against CLOCK_MONOTONIC and prints it in kHz (0 when the TSC does not
 * tick at a constant rate, so it says nothing about time). Under QEMU's TCG a guest's rdtsc returns the
 * host's TSC, and under KVM it ticks at the host's rate unless told otherwise: a kernel handed this number
 * needs no calibration loop. Each end of the interval is the tightest of several rdtsc/clock_gettime/rdtsc
 * brackets, so a preemption in between is discarded instead of measured.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <cpuid.h>

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static uint64_t ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/* One (tsc, ns) pair: the middle of the narrowest bracket out of 32 tries. */
static void sample(uint64_t *tsc, uint64_t *t)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < 32; i++) {
		uint64_t a = rdtsc(), n = ns(), b = rdtsc();

		if (b - a < best) {
			best = b - a;
			*tsc = a + (b - a) / 2;
			*t = n;
		}
	}
}

int main(void)
{
	unsigned int a, b, c, d;
	uint64_t tsc0, t0, tsc1, t1;
	const struct timespec wait = { 0, 200 * 1000 * 1000 };

	/* CPUID 0x80000007 EDX bit 8: invariant TSC (constant rate across P-, C- and T-states). */
	if (!__get_cpuid(0x80000007, &a, &b, &c, &d) || !(d & (1u << 8))) {
		puts("0");
		return 0;
	}
	sample(&tsc0, &t0);
	nanosleep(&wait, NULL);
	sample(&tsc1, &t1);
	printf("%llu\n", (unsigned long long)((tsc1 - tsc0) * 1000000 / (t1 - t0)));
	return 0;
}
