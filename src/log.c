/* log.c: placeholder */
#include "config.h"
#include "log.h"
