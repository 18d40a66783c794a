# Cross build for aarch64 Linux with Debian's gcc-aarch64-linux-gnu, the
# tests run under qemu-user (Debian's qemu-user-static).  ./tvc build
# aarch64 uses it:
#   cmake -S . -B build/aarch64 \
#         -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
# ctest then runs each test executable as
# `qemu-aarch64-static -L /usr/aarch64-linux-gnu <test>` (the -L prefix
# is where qemu finds the aarch64 dynamic loader and libc; QEMU_LD_PREFIX
# says the same to a qemu started another way).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(TVC_CROSS_SYSROOT /usr/aarch64-linux-gnu)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_ASM_COMPILER aarch64-linux-gnu-gcc)

# Libraries and headers come from the aarch64 tree only, never the
# host's /usr/lib (programs, e.g. python3, stay the host's).
set(CMAKE_FIND_ROOT_PATH ${TVC_CROSS_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# pkg-config would offer the host's x86-64 libraries (libuv, jemalloc):
# point it at the aarch64 tree, which has none of them.
set(ENV{PKG_CONFIG_LIBDIR} ${TVC_CROSS_SYSROOT}/lib/pkgconfig)

set(CMAKE_CROSSCOMPILING_EMULATOR
    qemu-aarch64-static -L ${TVC_CROSS_SYSROOT})
