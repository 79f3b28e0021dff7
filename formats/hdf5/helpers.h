// Small C helpers for the cgo bindings: libhdf5 exposes many constants as
// macros over global variables, which cgo cannot reference directly.
#ifndef CCC_HDF5_HELPERS_H
#define CCC_HDF5_HELPERS_H
#include <stdlib.h>
#include <string.h>
#include <hdf5.h>

static inline hid_t ccc_native(int cls, int size, int sign) {
	if (cls == 1) { // float
		if (size <= 4) return H5T_NATIVE_FLOAT;
		return H5T_NATIVE_DOUBLE;
	}
	switch (size) {
	case 1: return sign ? H5T_NATIVE_INT8 : H5T_NATIVE_UINT8;
	case 2: return sign ? H5T_NATIVE_INT16 : H5T_NATIVE_UINT16;
	case 4: return sign ? H5T_NATIVE_INT32 : H5T_NATIVE_UINT32;
	default: return sign ? H5T_NATIVE_INT64 : H5T_NATIVE_UINT64;
	}
}
static inline hid_t ccc_ref_obj(void) { return H5T_STD_REF_OBJ; }
static inline hid_t ccc_ref_reg(void) { return H5T_STD_REF_DSETREG; }
static inline hid_t ccc_c_s1(void) { return H5T_C_S1; }
static inline hid_t ccc_fapl(void) { return H5P_FILE_ACCESS; }
static inline hid_t ccc_dcpl(void) { return H5P_DATASET_CREATE; }
static inline hid_t ccc_dapl(void) { return H5P_DATASET_ACCESS; }
static inline hid_t ccc_lcpl(void) { return H5P_LINK_CREATE; }
static inline size_t ccc_link_val_size(H5L_info_t *i) { return i->u.val_size; }
static inline hsize_t ccc_unlimited(void) { return H5S_UNLIMITED; }
static inline void ccc_silence(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }
#endif
