#ifndef HEAP_USAGE_H
#define HEAP_USAGE_H

#include <stddef.h>

/// Bytes the C allocator has handed out and not had back (glibc's mallinfo2: small blocks in
/// use plus mmapped ones). Unlike the resident set, it does not count freed memory the
/// allocator keeps for later.
size_t heap_bytes_in_use(void);

#endif
