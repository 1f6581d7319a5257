// The cell kernel's rate tables (kernels/hnn_cells.wgsl) in a uniform binding of WebGPU's smallest maximum, 64 KiB,
// for the software adapter: llvmpipe loads uniform words as a vector where a storage load walks the lanes one by one.
@group(0) @binding(3) var<uniform> tables: array<vec4<f32>, UNIFORM_TABLE_VEC4S>;
