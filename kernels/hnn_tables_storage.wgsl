// The cell kernel's rate tables (kernels/hnn_cells.wgsl) in a storage binding, as on a GPU: threads of a warp index
// the tables at different voltages, which a uniform (constant-cache) binding would serialise.
@group(0) @binding(3) var<storage, read> tables: array<vec4<f32>>;
