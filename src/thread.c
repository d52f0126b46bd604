/* thread: placeholder, replaced by the isolation core. */
#include "config.h"
