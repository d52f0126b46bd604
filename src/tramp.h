#ifndef PKR_TRAMP_H
#define PKR_TRAMP_H
#endif
