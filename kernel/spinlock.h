/*
 * Ticket spinlocks (fair between CPUs). Interrupt state is the caller's
 * business: the kernel runs with interrupts off outside of explicit waits.
 */
#ifndef STRATA_SPINLOCK_H
#define STRATA_SPINLOCK_H

#include <stdint.h>

struct spinlock {
	volatile uint32_t next;
	volatile uint32_t owner;
};

/* clang-format off */
#define SPINLOCK_INIT { 0, 0 }
/* clang-format on */

static inline void spin_lock(struct spinlock *l)
{
	uint32_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		__builtin_ia32_pause();
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

#endif
