#include "plinth_plugin.h"

/* SwiftPM needs a source file in a C target; the ABI itself is the header. */
uint32_t plinth_abi_host_version(void) { return ((uint32_t)PLINTH_ABI_MAJOR << 16) | PLINTH_ABI_MINOR; }
