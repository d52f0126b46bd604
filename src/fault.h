#ifndef PKR_FAULT_H
#define PKR_FAULT_H
#endif
