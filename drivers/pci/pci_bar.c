#include "drivers/pci/pci_bar.h"

#define BAR_IO          0x1u
#define BAR_MEM_TYPE    0x6u
#define BAR_MEM_TYPE_64 0x4u
#define BAR_PREFETCH    0x8u

bool pci_bar_is_64(uint32_t lo)
{
	return !(lo & BAR_IO) && (lo & BAR_MEM_TYPE) == BAR_MEM_TYPE_64;
}

bool pci_bar_decode(uint32_t lo, uint32_t hi, uint32_t mask_lo, uint32_t mask_hi,
		    struct pci_bar *out)
{
	uint64_t mask;

	*out = (struct pci_bar){ .kind = PCI_BAR_NONE };
	if (mask_lo == 0 || mask_lo == 0xffffffffu)
		return false; /* not implemented, or nothing answered */
	if (lo & BAR_IO) {
		/* I/O BARs decode 16 address bits on a PC; bits 1:0 are flags. */
		mask = (mask_lo & ~0x3u) | 0xffff0000u;
		out->kind = PCI_BAR_IO;
		out->base = lo & ~0x3u & 0xffffu;
		out->size = (uint32_t)(~mask + 1u);
	} else {
		switch (lo & BAR_MEM_TYPE) {
		case 0:
			mask = 0xffffffff00000000ull | (mask_lo & ~0xfu);
			out->kind = PCI_BAR_MEM32;
			out->base = lo & ~0xfu;
			break;
		case BAR_MEM_TYPE_64:
			mask = ((uint64_t)mask_hi << 32) | (mask_lo & ~0xfu);
			out->kind = PCI_BAR_MEM64;
			out->base = ((uint64_t)hi << 32) | (lo & ~0xfu);
			break;
		default: /* type 01b ("below 1 MiB") is reserved since PCI 2.2 */
			return false;
		}
		out->prefetchable = lo & BAR_PREFETCH;
		out->size = ~mask + 1;
	}
	/* The size is the lowest writable address bit: a power of two. */
	if (out->size == 0 || (out->size & (out->size - 1)) || (out->base & (out->size - 1))) {
		*out = (struct pci_bar){ .kind = PCI_BAR_NONE };
		return false;
	}
	return true;
}
