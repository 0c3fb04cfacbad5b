/*
 * ELF executable parser shared by the boot paths and the guest loaders.
 *
 * It validates an image held in memory and reports its entry point and
 * loadable segments; it never copies or maps anything itself. The input
 * is untrusted (a kernel read from a USB stick, a guest image from the
 * config), so every offset and size is checked against the buffer and for
 * integer overflow before use, and fields are read byte by byte so an
 * unaligned buffer is fine.
 *
 * References: System V ABI "Object Files" chapter (ELF header, program
 * header), ELF-64 Object File Format 1.5, and the x86-64 and i386 psABI
 * supplements for EM_X86_64 / EM_386.
 *
 * Pure logic: no allocation, no libc, builds freestanding and on the host.
 */
#ifndef STRATA_BOOT_ELF_H
#define STRATA_BOOT_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most PT_LOAD entries we accept; kernels and test guests use 2-5. */
#define ELF_MAX_SEGMENTS 16

/* Which kinds of executable a caller accepts (bit mask for elf_parse()). */
#define ELF_ACCEPT_X86_64 (1u << 0) /* ELFCLASS64, EM_X86_64 */
#define ELF_ACCEPT_I386   (1u << 1) /* ELFCLASS32, EM_386 */

/* Segment permission bits, as in p_flags (System V ABI "Program Header"). */
#define ELF_PF_X 0x1u
#define ELF_PF_W 0x2u
#define ELF_PF_R 0x4u

enum elf_kind {
	ELF_KIND_X86_64 = 1,
	ELF_KIND_I386 = 2,
};

enum elf_error {
	ELF_OK = 0,
	ELF_ERR_ARGS,              /* NULL pointer or empty accept mask */
	ELF_ERR_TRUNCATED,         /* shorter than the ELF header */
	ELF_ERR_MAGIC,             /* e_ident[0..3] is not 0x7f 'E' 'L' 'F' */
	ELF_ERR_CLASS,             /* EI_CLASS not accepted or invalid */
	ELF_ERR_DATA,              /* not little-endian (ELFDATA2LSB) */
	ELF_ERR_VERSION,           /* EI_VERSION or e_version != EV_CURRENT */
	ELF_ERR_TYPE,              /* e_type is not ET_EXEC */
	ELF_ERR_MACHINE,           /* e_machine does not match the class */
	ELF_ERR_EHSIZE,            /* e_ehsize smaller than the header */
	ELF_ERR_PHENTSIZE,         /* e_phentsize smaller than a program header */
	ELF_ERR_PHDR_RANGE,        /* program header table outside the file */
	ELF_ERR_NO_SEGMENTS,       /* no PT_LOAD segment with memsz > 0 */
	ELF_ERR_TOO_MANY_SEGMENTS, /* more than ELF_MAX_SEGMENTS PT_LOAD */
	ELF_ERR_SEG_FILE_RANGE,    /* p_offset + p_filesz outside the file */
	ELF_ERR_SEG_MEMSZ,         /* p_memsz < p_filesz */
	ELF_ERR_SEG_ADDR_OVERFLOW, /* p_vaddr/p_paddr + p_memsz wraps */
	ELF_ERR_SEG_ALIGN,         /* p_align not a power of two or incongruent */
	ELF_ERR_SEG_OVERLAP,       /* segments share virtual or physical bytes */
	ELF_ERR_INTERP,            /* PT_INTERP: a dynamically linked program */
	ELF_ERR_ENTRY,             /* e_entry outside every executable segment */
	ELF_ERR_COUNT
};

/* One PT_LOAD segment, widened to 64 bits for both classes. */
struct elf_segment {
	uint64_t offset; /* p_offset: where the file bytes start */
	uint64_t filesz; /* bytes to copy from the file */
	uint64_t memsz;  /* bytes in memory; memsz - filesz of them zero */
	uint64_t paddr;  /* p_paddr: load (physical) address */
	uint64_t vaddr;  /* p_vaddr: link (virtual) address */
	uint32_t flags;  /* ELF_PF_* */
};

struct elf_image {
	enum elf_kind kind;
	uint64_t entry; /* e_entry, a virtual address */
	unsigned int nsegs;
	/* In program header order; zero-sized PT_LOAD entries are left out. */
	struct elf_segment segs[ELF_MAX_SEGMENTS];
};

/*
 * Validate the ELF executable in [data, data + size) and describe it in
 * *out. `accept` is a mask of ELF_ACCEPT_* kinds the caller can run.
 *
 * On ELF_OK every segment satisfies: offset + filesz <= size,
 * filesz <= memsz, vaddr + memsz and paddr + memsz do not wrap (within
 * 32 bits for ELF32), no two segments overlap in virtual or physical
 * space, and the entry point lies inside a segment marked executable.
 * On error *out is left in an unspecified state. Never reads outside the
 * buffer. Safe to call from any context; keeps no state.
 */
enum elf_error elf_parse(const void *data, size_t size, unsigned int accept, struct elf_image *out);

/* A short, constant, English description of an error for log messages. */
const char *elf_strerror(enum elf_error err);

/* Lowest paddr and end (highest paddr + memsz) over the image's segments. */
void elf_phys_span(const struct elf_image *img, uint64_t *start, uint64_t *end);

#endif
