# Sourced by bench/device.sh and bench/paper-run.sh on a lent GPU machine (see bench/device-pack.sh): unpack Deno, the
# npm modules and the Vulkan loader packed into .device/, and point Vulkan and EGL at the NVIDIA driver. Afterwards
# `deno` on PATH runs the checkout.
for f in .device/gl/*.deb; do dpkg -x "$f" /; done
ldconfig
mkdir -p /tmp/deno-bin && xz -dc .device/deno.xz >/tmp/deno-bin/deno && chmod +x /tmp/deno-bin/deno
rm -rf node_modules && tar -xJf .device/node_modules.tar.xz
# The npm wrapper (node_modules/.bin/deno, used inside tasks) looks for the binary in its platform package.
for pkg in $(find node_modules -type d -path '*@deno/linux-x64-glibc'); do ln -sf /tmp/deno-bin/deno "$pkg/deno"; done
export PATH=/tmp/deno-bin:$PATH DENO_NO_UPDATE_CHECK=1 NO_COLOR=1
nvidia=/usr/local/nvidia/share
[ -f $nvidia/vulkan/icd.d/nvidia_icd.json ] && export VK_DRIVER_FILES=$nvidia/vulkan/icd.d/nvidia_icd.json
[ -f $nvidia/glvnd/egl_vendor.d/10_nvidia.json ] &&
  export __EGL_VENDOR_LIBRARY_FILENAMES=$nvidia/glvnd/egl_vendor.d/10_nvidia.json
true
