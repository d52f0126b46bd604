#ifndef PKR_INTERPOSE_H
#define PKR_INTERPOSE_H
#endif
