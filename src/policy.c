/* policy.c: placeholder */
#include "config.h"
#include "policy.h"
