#ifndef PKR_SHIM_H
#define PKR_SHIM_H
#endif
