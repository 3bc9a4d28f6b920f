// Package kakehashi holds the vocabulary shared by every part of the gateway:
// the error type with its codes, and (as the exchange grows) transfers, zones,
// users and approvals. It is data and validation only: it imports nothing but
// the standard library and performs no I/O, so every other package may depend
// on it and it depends on none of them.
package kakehashi
