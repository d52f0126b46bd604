#ifndef PKR_PKEY_H
#define PKR_PKEY_H
#endif
