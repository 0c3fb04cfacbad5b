/* SPDX-License-Identifier: MIT */
/*
 * The PC's 8254 PIT (Intel 8254 datasheet, 231164-005) at 0x40-0x43 and
 * port 0x61 (system control port B), which gates counter 2 and shows its
 * output. All three counters run from one 1.193182 MHz clock.
 */
#ifndef GUEST_PIT_H
#define GUEST_PIT_H

#define PIT_HZ      1193182u
#define PIT_CH0     0x40
#define PIT_CH2     0x42
#define PIT_CONTROL 0x43
#define PIT_PORT_B  0x61

/* Control word: SC1-0 in bits 7:6, RW1-0 in 5:4, M2-0 in 3:1, BCD in 0. */
#define PIT_SC(c)        ((c) << 6)
#define PIT_RW_LATCH     0x00 /* counter latch command */
#define PIT_RW_LSB       0x10
#define PIT_RW_MSB       0x20
#define PIT_RW_WORD      0x30 /* LSB then MSB */
#define PIT_MODE(m)      ((m) << 1)
#define PIT_READ_BACK    0xc0
#define PIT_RB_NO_COUNT  0x20 /* read-back bits 5 and 4 are active low */
#define PIT_RB_NO_STATUS 0x10
#define PIT_RB_CNT(c)    (2u << (c))
#define PIT_STATUS_OUT   0x80

/* Port 0x61 bits. */
#define PORT_B_GATE2   0x01
#define PORT_B_SPEAKER 0x02
#define PORT_B_REFRESH 0x10 /* toggles every 15 us on a PC */
#define PORT_B_OUT2    0x20

#endif /* GUEST_PIT_H */
