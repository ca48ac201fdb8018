/*
 * A tiny multiboot guest that unik compiles on the user's machine (no framework needed).
 * The KVM probe boots it: it touches SSE state first, which is exactly where a broken nested KVM (PVM)
 * dies, then reports CPU features the frameworks care about. Tests boot it as a fixture kernel.
 * Kernel command line: "exit=N" exits with guest code N via isa-debug-exit; "hang" never exits;
 * "echo=WORD" prints WORD; "read" echoes one line typed on the serial console (unik run -i).
 */
__asm__(".section .multiboot, \"a\"\n"
	".align 4\n"
	".long 0x1BADB002, 0, -(0x1BADB002)\n"
	".text\n"
	".globl _start\n"
	"_start:\n"
	"  mov $stack_top, %esp\n"
	"  push %ebx\n"
	"  call guest_main\n"
	"1: hlt\n"
	"  jmp 1b\n"
	".bss\n"
	".align 16\n"
	".space 8192\n"
	"stack_top:\n");

#define COM1 0x3f8
#define DEBUG_EXIT 0xf4

static inline void outb(unsigned short port, unsigned char v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline unsigned char inb(unsigned short port)
{
	unsigned char v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void put(const char *s)
{
	for (; *s; s++) {
		while (!(inb(COM1 + 5) & 0x20))
			;
		outb(COM1, *s);
	}
}

static int starts(const char *s, const char *p)
{
	while (*p)
		if (*s++ != *p++)
			return 0;
	return 1;
}

static void sse_touch(void)
{
	unsigned int cr0, cr4, mxcsr = 0x1f80;

	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 = (cr0 & ~4u) | 2u; /* clear EM, set MP */
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= 0x600; /* OSFXSR | OSXMMEXCPT */
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
	__asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
	__asm__ volatile("movd %0, %%xmm0" : : "r"(cr4));
}

static int has_rdseed(void)
{
	unsigned int a = 7, b, c = 0, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return (b >> 18) & 1;
}

struct multiboot_info {
	unsigned int flags, mem_lower, mem_upper, boot_device, cmdline;
};

void guest_main(struct multiboot_info *mbi)
{
	const char *cmd = (mbi->flags & 4) ? (const char *)mbi->cmdline : "";
	int code = 0, hang = 0, read = 0;

	sse_touch();
	put("unik-probe: up\n");
	put(has_rdseed() ? "unik-probe: rdseed=1\n" : "unik-probe: rdseed=0\n");
	for (const char *p = cmd; *p; p++) {
		if (p != cmd && p[-1] != ' ')
			continue;
		if (starts(p, "exit="))
			for (const char *q = p + 5; *q >= '0' && *q <= '9'; q++)
				code = code * 10 + (*q - '0');
		else if (starts(p, "hang"))
			hang = 1;
		else if (starts(p, "read"))
			read = 1;
		else if (starts(p, "echo=")) {
			char word[64];
			int i = 0;
			for (const char *q = p + 5; *q && *q != ' ' && i < 62; q++)
				word[i++] = *q;
			word[i++] = '\n';
			word[i] = 0;
			put(word);
		}
	}
	if (read) {
		char line[64] = "unik-probe: read ";
		int i = 17;
		char c;

		do {
			while (!(inb(COM1 + 5) & 1))
				;
			c = inb(COM1);
			if (c != '\r' && i < 62)
				line[i++] = c;
		} while (c != '\n' && c != '\r');
		line[i - (line[i - 1] == '\n')] = 0;
		put(line);
		put("\n");
	}
	while (hang)
		__asm__ volatile("hlt");
	outb(DEBUG_EXIT, (unsigned char)code);
}
