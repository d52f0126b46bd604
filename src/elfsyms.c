/* elfsyms.c: placeholder */
#include "config.h"
#include "elfsyms.h"
