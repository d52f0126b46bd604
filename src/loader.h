#ifndef PKR_LOADER_H
#define PKR_LOADER_H
#endif
