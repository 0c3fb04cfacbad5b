/* Error numbers used by the kernel; the values match Linux's so logs read alike. */
#ifndef STRATA_LIBC_ERRNO_H
#define STRATA_LIBC_ERRNO_H

#define EPERM        1
#define ENOENT       2
#define ESRCH        3
#define EIO          5
#define ENXIO        6
#define E2BIG        7
#define ENOEXEC      8
#define EAGAIN       11
#define ENOMEM       12
#define EACCES       13
#define EFAULT       14
#define EBUSY        16
#define EEXIST       17
#define ENODEV       19
#define EINVAL       22
#define ENOSPC       28
#define ERANGE       34
#define ENAMETOOLONG 36
#define ENOSYS       38
#define EPROTO       71
#define EMSGSIZE     90
#define ENOTSUP      95
#define ETIMEDOUT    110
#define EALREADY     114

#endif
