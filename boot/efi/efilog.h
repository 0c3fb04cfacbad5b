/*
 * Progress and error lines on the UEFI console (ConOut, which OVMF and
 * most servers also mirror to the serial port). Only valid while boot
 * services are up.
 */
#ifndef STRATA_BOOT_EFI_EFILOG_H
#define STRATA_BOOT_EFI_EFILOG_H

#include <efi.h>
#include <efilib.h>

/* fmt must be a wide literal (L"..."); gnu-efi Print conversions. */
#define efilog(fmt, ...) Print(L"strata-efi: " fmt L"\n", ##__VA_ARGS__)

#endif
