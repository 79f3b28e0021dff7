from __future__ import annotations

import re
import sys
from datetime import (
    date,
    datetime,
    time
)
from decimal import Decimal
from enum import Enum
from typing import (
    Any,
    ClassVar,
    Literal,
    Optional,
    Union
)

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer
)


metamodel_version = "1.12.0"
version = "0.1.0"


class ConfiguredBaseModel(BaseModel):
    model_config = ConfigDict(
        serialize_by_alias = True,
        validate_by_name = True,
        validate_assignment = True,
        validate_default = True,
        extra = "forbid",
        arbitrary_types_allowed = True,
        use_enum_values = True,
        strict = False,
    )





class LinkMLMeta(RootModel):
    root: dict[str, Any] = {}
    model_config = ConfigDict(frozen=True)

    def __getattr__(self, key:str):
        return getattr(self.root, key)

    def __getitem__(self, key:str):
        return self.root[key]

    def __setitem__(self, key:str, value):
        self.root[key] = value

    def __contains__(self, key:str) -> bool:
        return key in self.root


linkml_meta = LinkMLMeta({'default_prefix': 'ccc',
     'default_range': 'string',
     'description': 'The ccc common connectivity schema: one LinkML model for '
                    'mouse-brain connectivity data of every modality (EM synapses, '
                    'mesoscale projections, single-cell morphology, barcoded '
                    'projections, patch-seq features, extracellular recordings), '
                    'tied to the Allen CCF brain-region atlas. This aggregator '
                    'imports every module; use it as the entry point.',
     'id': 'https://w3id.org/ccc/connectivity_schema',
     'imports': ['linkml:types',
                 'base_schema',
                 'core_schema',
                 'storage_schema',
                 'brain_region_schema',
                 'clustering_schema',
                 'morphology_schema',
                 'projection_schema',
                 'cell_feature_schema',
                 'gene_schema',
                 'mapping_schema',
                 'synapse_schema',
                 'mesoscale_schema',
                 'ephys_schema'],
     'license': 'MIT',
     'name': 'connectivity_schema',
     'prefixes': {'ccc': {'prefix_prefix': 'ccc',
                          'prefix_reference': 'https://w3id.org/ccc/'},
                  'linkml': {'prefix_prefix': 'linkml',
                             'prefix_reference': 'https://w3id.org/linkml/'}},
     'source_file': 'schema/connectivity_schema.yaml',
     'title': 'ccc common connectivity schema'} )

class Modality(str, Enum):
    """
    The measurement modality that produced a data set.
    """
    EM = "EM"
    """
    Volume electron microscopy with synapse-level connectomics (e.g. MICrONS).
    """
    MORPHOLOGY = "MORPHOLOGY"
    """
    Whole-brain single-neuron morphology reconstructions (e.g. MouseLight).
    """
    MESOSCALE_TRACING = "MESOSCALE_TRACING"
    """
    Viral anterograde tracing at mesoscale (e.g. Allen Mouse Connectivity Atlas).
    """
    BARSEQ = "BARSEQ"
    """
    Barcoded anatomy resolved by in-situ sequencing.
    """
    MAPSEQ = "MAPSEQ"
    """
    Multiplexed analysis of projections by sequencing.
    """
    PATCHSEQ = "PATCHSEQ"
    """
    Patch-clamp electrophysiology with transcriptomics and morphology.
    """
    EPHYS = "EPHYS"
    """
    Extracellular electrophysiology (e.g. Neuropixels recordings in NWB).
    """
    TRANSCRIPTOMICS = "TRANSCRIPTOMICS"
    """
    Single-cell or spatial transcriptomics.
    """
    OTHER = "OTHER"
    """
    Any other modality.
    """


class Unit(str, Enum):
    """
    Units of measurement for feature and projection values.
    """
    um = "um"
    """
    Micrometres.
    """
    nm = "nm"
    """
    Nanometres.
    """
    mm = "mm"
    """
    Millimetres.
    """
    um3 = "um3"
    """
    Cubic micrometres.
    """
    mm3 = "mm3"
    """
    Cubic millimetres.
    """
    voxel = "voxel"
    """
    Voxels of the data's own grid.
    """
    count = "count"
    """
    A count of discrete things (synapses, barcodes, cells).
    """
    fraction = "fraction"
    """
    A dimensionless fraction between 0 and 1.
    """
    percent = "percent"
    """
    A percentage.
    """
    intensity = "intensity"
    """
    Fluorescence or pixel intensity, arbitrary units.
    """
    dimensionless = "dimensionless"
    """
    A dimensionless quantity without further meaning.
    """
    mV = "mV"
    """
    Millivolts.
    """
    pA = "pA"
    """
    Picoamperes.
    """
    ms = "ms"
    """
    Milliseconds.
    """
    Hz = "Hz"
    """
    Hertz.
    """
    MOhm = "MOhm"
    """
    Megaohms.
    """


class ProjectionMeasurementType(str, Enum):
    """
    What a projection measurement quantifies in each target region.
    """
    AXON_LENGTH = "AXON_LENGTH"
    """
    Total axon length of a cell in the region.
    """
    TERMINAL_COUNT = "TERMINAL_COUNT"
    """
    Number of axon terminals (end points) in the region.
    """
    SYNAPSE_COUNT = "SYNAPSE_COUNT"
    """
    Number of synapses in the region.
    """
    BARCODE_COUNT = "BARCODE_COUNT"
    """
    Number of barcode reads (BARseq/MAPseq) in the region.
    """
    PROJECTION_DENSITY = "PROJECTION_DENSITY"
    """
    Fraction of the region's voxels with labelled axons (Allen projection_density).
    """
    PROJECTION_ENERGY = "PROJECTION_ENERGY"
    """
    Projection intensity times density (Allen projection_energy).
    """
    PROJECTION_INTENSITY = "PROJECTION_INTENSITY"
    """
    Mean intensity of labelled pixels (Allen projection_intensity).
    """
    PROJECTION_VOLUME = "PROJECTION_VOLUME"
    """
    Volume of labelled axons in the region, in mm3 (Allen projection_volume).
    """
    NORMALIZED_PROJECTION_VOLUME = "NORMALIZED_PROJECTION_VOLUME"
    """
    Projection volume divided by the injection volume.
    """
    OTHER = "OTHER"
    """
    Any other projection measurement.
    """


class RegionSource(str, Enum):
    """
    How the brain_region of a recording site was resolved.
    """
    ccf = "ccf"
    """
    From the site's CCF position (x, y, z) through an annotation volume of the atlas.
    """
    location = "location"
    """
    From the site's location label in the recording file (an acronym or id) through the atlas ontology, when no CCF position resolved.
    """


class AnnotationSource(str, Enum):
    """
    How a cell-type annotation was made.
    """
    manual = "manual"
    """
    Assigned by a human annotator.
    """
    automated = "automated"
    """
    Assigned by a classifier.
    """


class ProofreadingLevel(str, Enum):
    """
    Proofreading state of a neuron's axon or dendrite, as in the MICrONS public release.
    """
    non = "non"
    """
    Not proofread.
    """
    clean = "clean"
    """
    False merges removed, but not extended.
    """
    extended = "extended"
    """
    Cleaned and extended by tracing missing branches.
    """



class DataSet(ConfiguredBaseModel):
    """
    A collection of measurements from one study and modality.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'class_uri': 'schema:Dataset',
         'from_schema': 'https://w3id.org/ccc/core_schema'})

    id: str = Field(default=..., description="""Unique identifier of the object within its class.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    name: Optional[str] = Field(default=None, description="""Human-readable name.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'BrainRegion',
                       'ClusterHierarchy',
                       'Cluster',
                       'ConnectivityExperiment',
                       'CellFeatureSet',
                       'MappingSet']} })
    publication: Optional[str] = Field(default=None, description="""Citation, DOI or URL of the publication describing the data set.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet']} })
    modality: Optional[Modality] = Field(default=None, description="""Measurement modality.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurementTypeMetadata']} })


class DataItem(ConfiguredBaseModel):
    """
    One measured object of a data set: a cell, a neuron reconstruction, an injection experiment or a recording; the unit that matrices index.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/core_schema',
         'slot_usage': {'dataset': {'name': 'dataset', 'required': True}}})

    id: str = Field(default=..., description="""Unique identifier of the object within its class.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    name: Optional[str] = Field(default=None, description="""Human-readable name.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'BrainRegion',
                       'ClusterHierarchy',
                       'Cluster',
                       'ConnectivityExperiment',
                       'CellFeatureSet',
                       'MappingSet']} })
    neuroglancer_link: Optional[str] = Field(default=None, description="""Neuroglancer URL showing the item.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataItem']} })
    dataset: str = Field(default=..., description="""The data set the item belongs to.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataItem', 'CellMetadata']} })


class ParquetDataset(ConfiguredBaseModel):
    """
    A Parquet file or directory of Parquet files holding a table.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/storage_schema'})

    id: str = Field(default=..., description="""Unique identifier of the object within its class.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    path: Optional[str] = Field(default=None, description="""Path or URI of the stored object (local path, s3:// or https:// URL).""", json_schema_extra = { "linkml_meta": {'domain_of': ['ParquetDataset', 'ZarrDataset', 'ZarrArray', 'NWBArray']} })


class ZarrDataset(ConfiguredBaseModel):
    """
    A Zarr group holding one or more arrays.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/storage_schema'})

    id: str = Field(default=..., description="""Unique identifier of the object within its class.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    path: Optional[str] = Field(default=None, description="""Path or URI of the stored object (local path, s3:// or https:// URL).""", json_schema_extra = { "linkml_meta": {'domain_of': ['ParquetDataset', 'ZarrDataset', 'ZarrArray', 'NWBArray']} })


class ZarrArray(ConfiguredBaseModel):
    """
    One Zarr array, with optional shape, chunking and data type metadata.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/storage_schema'})

    id: str = Field(default=..., description="""Unique identifier of the object within its class.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    path: Optional[str] = Field(default=None, description="""Path or URI of the stored object (local path, s3:// or https:// URL).""", json_schema_extra = { "linkml_meta": {'domain_of': ['ParquetDataset', 'ZarrDataset', 'ZarrArray', 'NWBArray']} })
    shape: Optional[list[int]] = Field(default=None, description="""Extent of each array dimension.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ZarrArray', 'NWBArray']} })
    chunks: Optional[list[int]] = Field(default=None, description="""Chunk extent of each array dimension.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ZarrArray', 'NWBArray']} })
    dtype: Optional[str] = Field(default=None, description="""Element data type (e.g. float32, int64), as numpy spells it.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ZarrArray', 'CellFeatureMeasurement', 'NWBArray']} })
    dimension_names: Optional[list[str]] = Field(default=None, description="""Name of each array dimension (e.g. cell, region).""", json_schema_extra = { "linkml_meta": {'domain_of': ['ZarrArray']} })


class BrainRegion(ConfiguredBaseModel):
    """
    A region of a reference brain atlas, node of the region hierarchy. Its id is a string as the source writes it: a CURIE kept whole (MBA:385, UBERON:0002436), a local name (BR1) or the Allen CSV's integer id as text (\"385\"). structure_id holds the integer structure id that tables of other classes use to refer to regions.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'class_uri': 'UBERON:0002616',
         'from_schema': 'https://w3id.org/ccc/brain_region_schema',
         'slot_usage': {'id': {'aliases': ['identifier'],
                               'description': 'Identifier of the region as the source '
                                              'writes it (MBA:385, 385, BR1); '
                                              'parent_identifier, child_identifiers '
                                              'and descendants hold such ids.',
                               'name': 'id'},
                        'name': {'aliases': ['structure_name', 'safe_name'],
                                 'description': 'Full name of the region (e.g. Primary '
                                                'visual area).',
                                 'name': 'name'}}})

    id: str = Field(default=..., description="""Identifier of the region as the source writes it (MBA:385, 385, BR1); parent_identifier, child_identifiers and descendants hold such ids.""", json_schema_extra = { "linkml_meta": {'aliases': ['identifier'],
         'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    name: Optional[str] = Field(default=None, description="""Full name of the region (e.g. Primary visual area).""", json_schema_extra = { "linkml_meta": {'aliases': ['structure_name', 'safe_name'],
         'domain_of': ['DataSet',
                       'DataItem',
                       'BrainRegion',
                       'ClusterHierarchy',
                       'Cluster',
                       'ConnectivityExperiment',
                       'CellFeatureSet',
                       'MappingSet']} })
    acronym: Optional[str] = Field(default=None, description="""Short unique abbreviation of the region (e.g. VISp).""", json_schema_extra = { "linkml_meta": {'aliases': ['abbreviation', 'structure_abbrev', 'structure_acronym'],
         'domain_of': ['BrainRegion']} })
    color_hex_triplet: Optional[str] = Field(default=None, description="""Display colour of the region as six hex digits (e.g. 08858C).""", json_schema_extra = { "linkml_meta": {'aliases': ['rgb_hex', 'color_hex', 'hex_color'], 'domain_of': ['BrainRegion']} })
    term_set_name: Optional[str] = Field(default=None, description="""Name of the terminology or ontology release the region belongs to.""", json_schema_extra = { "linkml_meta": {'aliases': ['ontology', 'terminology'], 'domain_of': ['BrainRegion']} })
    term_order: Optional[int] = Field(default=None, description="""Position of the region in its term set (the terminology's term_order; Allen's graph_order); children are listed in this order.""", json_schema_extra = { "linkml_meta": {'aliases': ['graph_order'], 'domain_of': ['BrainRegion']} })
    structure_id: Optional[int] = Field(default=None, description="""The region's integer structure id (Allen: 385 for VISp): the local number of a CURIE id (MBA:385 gives 385) or the Allen CSV's integer id. Tables of other classes refer to regions by this number (ConnectivityExperiment structure_id, RecordingSite brain_region, ProjectionMeasurementMatrix region_index, ...), and joins use it (BrainRegion.structure_id = ConnectivityExperiment.structure_id).""", json_schema_extra = { "linkml_meta": {'aliases': ['structure-id'],
         'domain_of': ['BrainRegion', 'ConnectivityExperiment', 'InjectionSummary']} })
    annotation_value: Optional[int] = Field(default=None, description="""Label of the region in the atlas annotation volume. In the CCF 2017 volumes it equals the structure id.""", json_schema_extra = { "linkml_meta": {'domain_of': ['BrainRegion']} })
    descendant_annotation_values: Optional[list[int]] = Field(default=None, description="""Annotation-volume labels of the region and all its descendants.""", json_schema_extra = { "linkml_meta": {'domain_of': ['BrainRegion']} })
    parent_identifier: Optional[str] = Field(default=None, description="""The parent region in the hierarchy; absent for the root.""", json_schema_extra = { "linkml_meta": {'aliases': ['parent_structure_id', 'parent_id'], 'domain_of': ['BrainRegion']} })
    child_identifiers: Optional[list[str]] = Field(default=None, description="""The direct children of the region.""", json_schema_extra = { "linkml_meta": {'aliases': ['children_ids'], 'domain_of': ['BrainRegion']} })
    descendants: Optional[list[str]] = Field(default=None, description="""All regions below this one in the hierarchy.""", json_schema_extra = { "linkml_meta": {'domain_of': ['BrainRegion']} })
    depth: Optional[int] = Field(default=None, description="""Depth of the region in the hierarchy; 0 for the root.""", ge=0, json_schema_extra = { "linkml_meta": {'domain_of': ['BrainRegion']} })
    structure_id_path: Optional[str] = Field(default=None, description="""Slash-separated ids from the root to the region, as in the Allen ontology (e.g. /997/8/567/).""", json_schema_extra = { "linkml_meta": {'aliases': ['id_path'], 'domain_of': ['BrainRegion']} })

    @field_validator('structure_id_path')
    def pattern_structure_id_path(cls, v):
        pattern=re.compile(r"^/([0-9]+/)*$")
        if isinstance(v, list):
            for element in v:
                if isinstance(element, str) and not pattern.search(element):
                    err_msg = f"Invalid structure_id_path format: {element}"
                    raise ValueError(err_msg)
        elif isinstance(v, str) and not pattern.search(v):
            err_msg = f"Invalid structure_id_path format: {v}"
            raise ValueError(err_msg)
        return v


class BrainRegionClosure(ConfiguredBaseModel):
    """
    The transitive closure of the region hierarchy of one atlas: one row per (ancestor, descendant) pair, each region being its own ancestor at distance 0. A table with a region column joins \"in X or below\" with one equality join (descendant_structure_id = brain_region, then ancestor_acronym = 'VISp'). Written with every atlas (ccc atlas load) in the same store version as its BrainRegion table.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/brain_region_schema',
         'slot_usage': {'ancestor_id': {'name': 'ancestor_id', 'required': True},
                        'closure_distance': {'name': 'closure_distance',
                                             'required': True},
                        'descendant_id': {'name': 'descendant_id', 'required': True}}})

    ancestor_id: str = Field(default=..., description="""The ancestor region of a closure pair (the region itself at distance 0), as its BrainRegion id.""", json_schema_extra = { "linkml_meta": {'domain_of': ['BrainRegionClosure']} })
    descendant_id: str = Field(default=..., description="""The descendant region of a closure pair (the ancestor itself at distance 0), as its BrainRegion id.""", json_schema_extra = { "linkml_meta": {'domain_of': ['BrainRegionClosure']} })
    closure_distance: int = Field(default=..., description="""Number of parent steps from the descendant up to the ancestor (0: the same region, 1: parent and child).""", json_schema_extra = { "linkml_meta": {'domain_of': ['BrainRegionClosure']} })
    ancestor_structure_id: Optional[int] = Field(default=None, description="""The ancestor's integer structure id (BrainRegion.structure_id), for joins with tables that refer to regions by number.""", json_schema_extra = { "linkml_meta": {'domain_of': ['BrainRegionClosure']} })
    descendant_structure_id: Optional[int] = Field(default=None, description="""The descendant's integer structure id (BrainRegion.structure_id), for joins with tables that refer to regions by number.""", json_schema_extra = { "linkml_meta": {'domain_of': ['BrainRegionClosure']} })
    ancestor_acronym: Optional[str] = Field(default=None, description="""The ancestor's acronym (e.g. VISp), so that a filter names the region as users do.""", json_schema_extra = { "linkml_meta": {'domain_of': ['BrainRegionClosure']} })
    descendant_acronym: Optional[str] = Field(default=None, description="""The descendant's acronym (e.g. VISp4).""", json_schema_extra = { "linkml_meta": {'domain_of': ['BrainRegionClosure']} })


class AlgorithmRun(ConfiguredBaseModel):
    """
    One run of a clustering algorithm with its parameters.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/clustering_schema'})

    id: str = Field(default=..., description="""Unique identifier of the object within its class.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    algorithm_name: Optional[str] = Field(default=None, description="""Name of the clustering algorithm (e.g. leiden, scrattch.hicat).""", json_schema_extra = { "linkml_meta": {'domain_of': ['AlgorithmRun']} })
    algorithm_version: Optional[str] = Field(default=None, description="""Version of the algorithm or its implementation.""", json_schema_extra = { "linkml_meta": {'domain_of': ['AlgorithmRun']} })
    parameters_json: Optional[str] = Field(default=None, description="""Parameters of the method or algorithm as a JSON object.""", json_schema_extra = { "linkml_meta": {'domain_of': ['AlgorithmRun', 'MappingSet']} })
    run_timestamp: Optional[datetime ] = Field(default=None, description="""When the algorithm ran.""", json_schema_extra = { "linkml_meta": {'domain_of': ['AlgorithmRun']} })
    score_description: Optional[str] = Field(default=None, description="""What the scores the run assigns mean.""", json_schema_extra = { "linkml_meta": {'domain_of': ['AlgorithmRun']} })
    distance_description: Optional[str] = Field(default=None, description="""What the distances the run assigns mean.""", json_schema_extra = { "linkml_meta": {'domain_of': ['AlgorithmRun']} })
    input_dataset: Optional[str] = Field(default=None, description="""The data set the algorithm ran on.""", json_schema_extra = { "linkml_meta": {'domain_of': ['AlgorithmRun']} })
    produced_hierarchies: Optional[list[str]] = Field(default=None, description="""Cluster hierarchies produced by the run.""", json_schema_extra = { "linkml_meta": {'domain_of': ['AlgorithmRun']} })


class ClusterHierarchy(ConfiguredBaseModel):
    """
    A taxonomy of clusters produced by one algorithm run.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/clustering_schema'})

    id: str = Field(default=..., description="""Unique identifier of the object within its class.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    name: Optional[str] = Field(default=None, description="""Human-readable name.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'BrainRegion',
                       'ClusterHierarchy',
                       'Cluster',
                       'ConnectivityExperiment',
                       'CellFeatureSet',
                       'MappingSet']} })
    run: Optional[str] = Field(default=None, description="""The algorithm run that produced the hierarchy.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ClusterHierarchy']} })
    root: Optional[str] = Field(default=None, description="""The top cluster of the hierarchy.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ClusterHierarchy']} })
    clusters: Optional[list[str]] = Field(default=None, description="""All clusters of the hierarchy.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ClusterHierarchy']} })


class Cluster(ConfiguredBaseModel):
    """
    A cluster (cell type) in a hierarchy, with its parent and children.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/clustering_schema'})

    id: str = Field(default=..., description="""Unique identifier of the object within its class.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    name: Optional[str] = Field(default=None, description="""Human-readable name.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'BrainRegion',
                       'ClusterHierarchy',
                       'Cluster',
                       'ConnectivityExperiment',
                       'CellFeatureSet',
                       'MappingSet']} })
    level: Optional[int] = Field(default=None, description="""Level of the cluster in its hierarchy; 0 for the root.""", ge=0, json_schema_extra = { "linkml_meta": {'domain_of': ['Cluster']} })
    size: Optional[int] = Field(default=None, description="""Size of the object (number of members, or voxels for a synapse).""", ge=0, json_schema_extra = { "linkml_meta": {'domain_of': ['Cluster', 'Synapse']} })
    score: Optional[float] = Field(default=None, description="""A score produced by an algorithm; its meaning is described by the producer.""", json_schema_extra = { "linkml_meta": {'domain_of': ['Cluster',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping']} })
    distance_to_parent: Optional[float] = Field(default=None, description="""Distance between the cluster and its parent cluster.""", json_schema_extra = { "linkml_meta": {'domain_of': ['Cluster']} })
    members: Optional[str] = Field(default=None, description="""Members of the cluster, as a compact list or a reference to a member table.""", json_schema_extra = { "linkml_meta": {'domain_of': ['Cluster']} })
    parent: Optional[str] = Field(default=None, description="""The parent cluster; absent for the root.""", json_schema_extra = { "linkml_meta": {'domain_of': ['Cluster']} })
    children: Optional[list[str]] = Field(default=None, description="""The direct child clusters.""", json_schema_extra = { "linkml_meta": {'domain_of': ['Cluster']} })


class ClusterMembership(ConfiguredBaseModel):
    """
    Membership of one data item in one cluster, with score and probability.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/clustering_schema'})

    cluster: Optional[str] = Field(default=None, description="""The cluster the item is a member of.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ClusterMembership', 'CellClusterRegionCount']} })
    item: Optional[str] = Field(default=None, description="""The data item that is a member of the cluster.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ClusterMembership']} })
    membership_score: Optional[float] = Field(default=None, description="""Score of the item's membership in the cluster.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ClusterMembership']} })
    membership_probability: Optional[float] = Field(default=None, description="""Probability that the item belongs to the cluster.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ClusterMembership']} })
    distance: Optional[float] = Field(default=None, description="""Distance of the item from the cluster centre.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ClusterMembership']} })


class SpatialLocation(ConfiguredBaseModel):
    """
    A point in a reference space.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/morphology_schema'})

    x: Optional[float] = Field(default=None, description="""First coordinate (anterior-posterior in CCF, or the data's x axis).""", json_schema_extra = { "linkml_meta": {'domain_of': ['SpatialLocation', 'RecordingSite']} })
    y: Optional[float] = Field(default=None, description="""Second coordinate (dorsal-ventral in CCF, or the data's y axis).""", json_schema_extra = { "linkml_meta": {'domain_of': ['SpatialLocation', 'RecordingSite']} })
    z: Optional[float] = Field(default=None, description="""Third coordinate (medial-lateral in CCF, or the data's z axis).""", json_schema_extra = { "linkml_meta": {'domain_of': ['SpatialLocation', 'RecordingSite']} })
    reference_space: Optional[str] = Field(default=None, description="""Coordinate system of the location (e.g. CCFv3 in micrometres, or a data set's voxel space such as minnie65 4x4x40 nm).""", json_schema_extra = { "linkml_meta": {'domain_of': ['SpatialLocation']} })


class SingleCellReconstruction(ConfiguredBaseModel):
    """
    A reconstructed single neuron (skeleton) with its soma position.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/morphology_schema',
         'slot_usage': {'data_item': {'description': 'The data item (neuron) the '
                                                     'reconstruction belongs to.',
                                      'name': 'data_item',
                                      'required': True}}})

    id: str = Field(default=..., description="""Unique identifier of the object within its class.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    data_item: str = Field(default=..., description="""The data item (neuron) the reconstruction belongs to.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SingleCellReconstruction',
                       'ProjectionMeasurement',
                       'CellFeatureMeasurement',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData']} })
    soma_location: Optional[SpatialLocation] = Field(default=None, description="""Position of the cell body.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SingleCellReconstruction']} })
    ccf_registered_file: Optional[str] = Field(default=None, description="""The reconstruction registered to the CCF, stored as an array.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SingleCellReconstruction']} })


class CoordinateSpace(ConfiguredBaseModel):
    """
    A coordinate space registered in the store (ccc space add), such as an EM data set's voxel space in nm, with its affine to a known space and the composed affine to the CCF in micrometres. Built-in spaces (CCF voxels and um, stereotaxic from bregma) are not stored.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/morphology_schema',
         'slot_usage': {'affine': {'name': 'affine', 'required': True},
                        'ccf_affine': {'name': 'ccf_affine', 'required': True},
                        'id': {'description': "The space's name (letters, digits, '_', "
                                              "'.', '-').",
                               'name': 'id'},
                        'target_space': {'name': 'target_space', 'required': True},
                        'transform_version': {'name': 'transform_version',
                                              'required': True}}})

    id: str = Field(default=..., description="""The space's name (letters, digits, '_', '.', '-').""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    description: Optional[str] = Field(default=None, description="""Free-text description.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CoordinateSpace',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMatrix',
                       'MappingSet']} })
    space_axes: Optional[list[str]] = Field(default=None, description="""The three axes of a coordinate space, in coordinate order, with their positive direction (e.g. \"AP (posterior +)\").""", json_schema_extra = { "linkml_meta": {'domain_of': ['CoordinateSpace']} })
    space_unit: Optional[str] = Field(default=None, description="""Unit of a coordinate space's coordinates (e.g. nm, um, mm, voxel).""", json_schema_extra = { "linkml_meta": {'domain_of': ['CoordinateSpace']} })
    space_convention: Optional[str] = Field(default=None, description="""Origin and orientation of a coordinate space, in words.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CoordinateSpace']} })
    space_source: Optional[str] = Field(default=None, description="""Where a coordinate space's transform comes from (publication, landmark file, person).""", json_schema_extra = { "linkml_meta": {'domain_of': ['CoordinateSpace']} })
    target_space: str = Field(default=..., description="""The coordinate space (built-in or registered) that a CoordinateSpace's given affine maps to.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CoordinateSpace']} })
    affine: list[float] = Field(default=..., description="""A 3 x 4 affine transform, 12 numbers row by row (M11 M12 M13 t1 M21 ...): target = M source + t.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CoordinateSpace']} })
    ccf_affine: list[float] = Field(default=..., description="""The affine from a coordinate space to the CCF in micrometres (ccf_um), 12 numbers row by row, composed when the space is registered.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CoordinateSpace']} })
    landmark_count: Optional[int] = Field(default=None, description="""Landmark pairs an affine was fitted from (absent when the affine was given).""", ge=0, json_schema_extra = { "linkml_meta": {'domain_of': ['CoordinateSpace']} })
    fit_rms: Optional[float] = Field(default=None, description="""Root mean square distance of the fitted affine's landmarks, in target units.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CoordinateSpace']} })
    fit_max: Optional[float] = Field(default=None, description="""Largest distance of the fitted affine's landmarks, in target units.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CoordinateSpace']} })
    transform_version: int = Field(default=..., description="""Revision of a registered space's transform (1 when first registered, one more at each replacement); located rows record it.""", ge=1, json_schema_extra = { "linkml_meta": {'domain_of': ['CoordinateSpace']} })


class ConnectivityExperiment(ConfiguredBaseModel):
    """
    One tracer injection experiment of the Allen Mouse Connectivity Atlas.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/mesoscale_schema',
         'slot_usage': {'id': {'description': 'Allen experiment (section data set) id.',
                               'name': 'id',
                               'range': 'integer'},
                        'name': {'description': 'Specimen name of the injected mouse '
                                                '(e.g. 378-1827).',
                                 'name': 'name'},
                        'structure_id': {'description': 'The primary injection '
                                                        'structure.',
                                         'name': 'structure_id'}}})

    id: int = Field(default=..., description="""Allen experiment (section data set) id.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    name: Optional[str] = Field(default=None, description="""Specimen name of the injected mouse (e.g. 378-1827).""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'BrainRegion',
                       'ClusterHierarchy',
                       'Cluster',
                       'ConnectivityExperiment',
                       'CellFeatureSet',
                       'MappingSet']} })
    transgenic_line: Optional[str] = Field(default=None, description="""Cre driver line of the injected mouse; empty for wild type.""", json_schema_extra = { "linkml_meta": {'aliases': ['transgenic-line'], 'domain_of': ['ConnectivityExperiment']} })
    product_id: Optional[int] = Field(default=None, description="""Allen product (tracer) id.""", json_schema_extra = { "linkml_meta": {'aliases': ['product-id'], 'domain_of': ['ConnectivityExperiment']} })
    structure_id: Optional[int] = Field(default=None, description="""The primary injection structure.""", json_schema_extra = { "linkml_meta": {'aliases': ['structure-id'],
         'domain_of': ['BrainRegion', 'ConnectivityExperiment', 'InjectionSummary']} })
    structure_abbrev: Optional[str] = Field(default=None, description="""Acronym of the primary injection structure.""", json_schema_extra = { "linkml_meta": {'aliases': ['structure-abbrev'], 'domain_of': ['ConnectivityExperiment']} })
    structure_name: Optional[str] = Field(default=None, description="""Name of the primary injection structure.""", json_schema_extra = { "linkml_meta": {'aliases': ['structure-name'], 'domain_of': ['ConnectivityExperiment']} })
    injection_volume: Optional[float] = Field(default=None, description="""Volume of the injection site in mm3.""", ge=0, json_schema_extra = { "linkml_meta": {'aliases': ['injection-volume'], 'domain_of': ['ConnectivityExperiment']} })
    injection_structures: Optional[list[int]] = Field(default=None, description="""All brain regions the injection site covers, as structure ids (BrainRegion.structure_id).""", json_schema_extra = { "linkml_meta": {'aliases': ['injection-structures'], 'domain_of': ['ConnectivityExperiment']} })
    injection_x: Optional[float] = Field(default=None, description="""Injection centre, anterior-posterior CCF coordinate in um.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ConnectivityExperiment']} })
    injection_y: Optional[float] = Field(default=None, description="""Injection centre, dorsal-ventral CCF coordinate in um.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ConnectivityExperiment']} })
    injection_z: Optional[float] = Field(default=None, description="""Injection centre, medial-lateral CCF coordinate in um.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ConnectivityExperiment']} })
    gender: Optional[str] = Field(default=None, description="""Sex of the mouse (M or F).""", json_schema_extra = { "linkml_meta": {'domain_of': ['ConnectivityExperiment']} })
    strain: Optional[str] = Field(default=None, description="""Mouse strain (e.g. C57BL/6J).""", json_schema_extra = { "linkml_meta": {'domain_of': ['ConnectivityExperiment']} })
    sum: Optional[float] = Field(default=None, description="""Total projection signal of the experiment (Allen's sum column).""", json_schema_extra = { "linkml_meta": {'domain_of': ['ConnectivityExperiment']} })
    structure_color: Optional[str] = Field(default=None, description="""Display colour of the primary injection structure.""", json_schema_extra = { "linkml_meta": {'aliases': ['structure-color'], 'domain_of': ['ConnectivityExperiment']} })
    num_voxels: Optional[int] = Field(default=None, description="""Number of voxels of the injection site.""", ge=0, json_schema_extra = { "linkml_meta": {'aliases': ['num-voxels'], 'domain_of': ['ConnectivityExperiment']} })
    selected: Optional[bool] = Field(default=None, description="""Whether the experiment was selected in the source listing.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ConnectivityExperiment']} })
    experiment_page_url: Optional[str] = Field(default=None, description="""Web page of the experiment in the Allen connectivity portal.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ConnectivityExperiment']} })


class InjectionSummary(ConfiguredBaseModel):
    """
    One structure-unionize record: the signal of one experiment in one brain region and hemisphere.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/mesoscale_schema',
         'slot_usage': {'id': {'description': 'Allen structure-unionize record id.',
                               'name': 'id',
                               'range': 'integer'},
                        'structure_id': {'description': 'The brain region the record '
                                                        'measures.',
                                         'name': 'structure_id',
                                         'required': True}}})

    id: int = Field(default=..., description="""Allen structure-unionize record id.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    experiment_id: int = Field(default=..., description="""The experiment the record belongs to.""", json_schema_extra = { "linkml_meta": {'aliases': ['section_data_set_id', 'experimentID'],
         'domain_of': ['InjectionSummary']} })
    structure_id: int = Field(default=..., description="""The brain region the record measures.""", json_schema_extra = { "linkml_meta": {'aliases': ['structure-id'],
         'domain_of': ['BrainRegion', 'ConnectivityExperiment', 'InjectionSummary']} })
    hemisphere_id: Optional[int] = Field(default=None, description="""Hemisphere of the record, 1 left, 2 right, 3 both.""", ge=1, le=3, json_schema_extra = { "linkml_meta": {'domain_of': ['InjectionSummary', 'ProjectionMeasurement']} })
    is_injection: Optional[bool] = Field(default=None, description="""Whether the record measures the injection site (true) or projections (false).""", json_schema_extra = { "linkml_meta": {'domain_of': ['InjectionSummary']} })
    volume: Optional[float] = Field(default=None, description="""Volume of the structure in mm3.""", ge=0, json_schema_extra = { "linkml_meta": {'domain_of': ['InjectionSummary']} })
    projection_volume: Optional[float] = Field(default=None, description="""Volume of labelled axons in the structure, mm3.""", ge=0, json_schema_extra = { "linkml_meta": {'domain_of': ['InjectionSummary']} })
    normalized_projection_volume: Optional[float] = Field(default=None, description="""Projection volume divided by the injection volume.""", ge=0, json_schema_extra = { "linkml_meta": {'domain_of': ['InjectionSummary']} })
    projection_density: Optional[float] = Field(default=None, description="""Fraction of the structure's pixels that are labelled.""", ge=0, json_schema_extra = { "linkml_meta": {'domain_of': ['InjectionSummary']} })
    projection_energy: Optional[float] = Field(default=None, description="""Projection intensity times projection density.""", ge=0, json_schema_extra = { "linkml_meta": {'domain_of': ['InjectionSummary']} })
    projection_intensity: Optional[float] = Field(default=None, description="""Mean intensity of the labelled pixels.""", ge=0, json_schema_extra = { "linkml_meta": {'domain_of': ['InjectionSummary']} })
    sum_pixel_intensity: Optional[float] = Field(default=None, description="""Sum of the intensity of all pixels of the structure.""", ge=0, json_schema_extra = { "linkml_meta": {'domain_of': ['InjectionSummary']} })
    sum_pixels: Optional[float] = Field(default=None, description="""Number of pixels of the structure.""", ge=0, json_schema_extra = { "linkml_meta": {'domain_of': ['InjectionSummary']} })
    sum_projection_pixel_intensity: Optional[float] = Field(default=None, description="""Sum of the intensity of the labelled pixels.""", ge=0, json_schema_extra = { "linkml_meta": {'domain_of': ['InjectionSummary']} })
    sum_projection_pixels: Optional[float] = Field(default=None, description="""Number of labelled pixels.""", ge=0, json_schema_extra = { "linkml_meta": {'domain_of': ['InjectionSummary']} })
    max_voxel_density: Optional[float] = Field(default=None, description="""Highest voxel projection density in the structure.""", ge=0, json_schema_extra = { "linkml_meta": {'domain_of': ['InjectionSummary']} })
    max_voxel_x: Optional[int] = Field(default=None, description="""Anterior-posterior position (um) of the densest voxel.""", json_schema_extra = { "linkml_meta": {'domain_of': ['InjectionSummary']} })
    max_voxel_y: Optional[int] = Field(default=None, description="""Dorsal-ventral position (um) of the densest voxel.""", json_schema_extra = { "linkml_meta": {'domain_of': ['InjectionSummary']} })
    max_voxel_z: Optional[int] = Field(default=None, description="""Medial-lateral position (um) of the densest voxel.""", json_schema_extra = { "linkml_meta": {'domain_of': ['InjectionSummary']} })


class ProjectionMeasurementMatrix(ConfiguredBaseModel):
    """
    A data items x brain regions matrix of one projection measurement type, with its values stored as a Zarr array.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/projection_schema'})

    id: str = Field(default=..., description="""Unique identifier of the object within its class.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    description: Optional[str] = Field(default=None, description="""Free-text description.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CoordinateSpace',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMatrix',
                       'MappingSet']} })
    measurement_type: Optional[ProjectionMeasurementType] = Field(default=None, description="""What the values quantify.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata']} })
    modality: Optional[Modality] = Field(default=None, description="""Measurement modality.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurementTypeMetadata']} })
    unit: Optional[Unit] = Field(default=None, description="""Unit of the values.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureMatrix']} })
    values: Optional[str] = Field(default=None, description="""The matrix values, one row per data item and one column per region.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ProjectionMeasurementMatrix']} })
    region_index: Optional[list[int]] = Field(default=None, description="""The brain regions giving the order of the matrix columns, as structure ids (BrainRegion.structure_id).""", json_schema_extra = { "linkml_meta": {'domain_of': ['ProjectionMeasurementMatrix']} })
    data_item_index: Optional[list[str]] = Field(default=None, description="""The data items giving the order of the matrix rows.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ProjectionMeasurementMatrix']} })


class ProjectionMeasurement(ConfiguredBaseModel):
    """
    One projection value: how strongly one data item (cell, injection) projects to one brain region; the long form of a matrix entry. Every matrix the store holds is also written in this form (one row per entry, id <matrix>/<data item>/<structure id>) in the same version as its Zarr array.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/projection_schema',
         'slot_usage': {'brain_region': {'name': 'brain_region', 'required': True},
                        'data_item': {'name': 'data_item', 'required': True},
                        'value': {'name': 'value', 'required': True}}})

    id: str = Field(default=..., description="""Unique identifier of the object within its class.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    matrix: Optional[str] = Field(default=None, description="""The matrix a long-form measurement is an entry of.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ProjectionMeasurement']} })
    data_item: str = Field(default=..., description="""The data item (cell, reconstruction, experiment) the record is about.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SingleCellReconstruction',
                       'ProjectionMeasurement',
                       'CellFeatureMeasurement',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData']} })
    brain_region: int = Field(default=..., description="""The brain region a record lies in or refers to, as its integer structure id (BrainRegion.structure_id; resolved from an acronym, a structure id or a CCF position).""", json_schema_extra = { "linkml_meta": {'domain_of': ['ProjectionMeasurement',
                       'RecordingSite',
                       'SortedUnit',
                       'CellMetadata',
                       'CellClusterRegionCount']} })
    measurement_type: Optional[ProjectionMeasurementType] = Field(default=None, description="""What the values quantify.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata']} })
    value: float = Field(default=..., description="""The measured value.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ProjectionMeasurement']} })
    unit: Optional[Unit] = Field(default=None, description="""Unit of the values.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureMatrix']} })
    hemisphere_id: Optional[int] = Field(default=None, description="""Hemisphere of the record, 1 left, 2 right, 3 both.""", ge=1, le=3, json_schema_extra = { "linkml_meta": {'domain_of': ['InjectionSummary', 'ProjectionMeasurement']} })


class ProjectionMeasurementTypeMetadata(ConfiguredBaseModel):
    """
    What a projection measurement type means in one data set: its unit, modality and normalisation.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/projection_schema',
         'slot_usage': {'measurement_type': {'name': 'measurement_type',
                                             'required': True}}})

    id: str = Field(default=..., description="""Unique identifier of the object within its class.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    measurement_type: ProjectionMeasurementType = Field(default=..., description="""What the values quantify.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata']} })
    description: Optional[str] = Field(default=None, description="""Free-text description.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CoordinateSpace',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMatrix',
                       'MappingSet']} })
    modality: Optional[Modality] = Field(default=None, description="""Measurement modality.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurementTypeMetadata']} })
    unit: Optional[Unit] = Field(default=None, description="""Unit of the values.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureMatrix']} })
    normalization: Optional[str] = Field(default=None, description="""How values are normalised (e.g. fraction of the cell's total axon length, per injection volume).""", json_schema_extra = { "linkml_meta": {'domain_of': ['ProjectionMeasurementTypeMetadata']} })


class CellFeatureDefinition(ConfiguredBaseModel):
    """
    Definition of one cell feature with its unit, data type and valid range.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/cell_feature_schema',
         'slot_usage': {'unit': {'description': "Unit of the feature's values, free "
                                                'text (e.g. um, mV).',
                                 'name': 'unit',
                                 'range': 'string'}}})

    id: str = Field(default=..., description="""Unique identifier of the object within its class.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    feature_name: Optional[str] = Field(default=None, description="""Name of the feature (e.g. total_axon_length).""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellFeatureDefinition']} })
    description: Optional[str] = Field(default=None, description="""Free-text description.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CoordinateSpace',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMatrix',
                       'MappingSet']} })
    unit: Optional[str] = Field(default=None, description="""Unit of the feature's values, free text (e.g. um, mV).""", json_schema_extra = { "linkml_meta": {'domain_of': ['ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureMatrix']} })
    data_type: Optional[str] = Field(default=None, description="""Data type of the feature's values (float, int, bool, string, bytes, datetime).""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellFeatureDefinition']} })
    range_min: Optional[float] = Field(default=None, description="""Smallest valid value of the feature.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellFeatureDefinition']} })
    range_max: Optional[float] = Field(default=None, description="""Largest valid value of the feature.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellFeatureDefinition']} })


class CellFeatureSet(ConfiguredBaseModel):
    """
    A named group of feature definitions extracted by one method.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/cell_feature_schema'})

    id: str = Field(default=..., description="""Unique identifier of the object within its class.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    name: Optional[str] = Field(default=None, description="""Human-readable name.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'BrainRegion',
                       'ClusterHierarchy',
                       'Cluster',
                       'ConnectivityExperiment',
                       'CellFeatureSet',
                       'MappingSet']} })
    description: Optional[str] = Field(default=None, description="""Free-text description.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CoordinateSpace',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMatrix',
                       'MappingSet']} })
    extraction_method: Optional[str] = Field(default=None, description="""Method or software that extracted the features.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellFeatureSet']} })
    feature_definitions: Optional[list[str]] = Field(default=None, description="""The features of the set.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellFeatureSet']} })


class CellFeatureMeasurement(ConfiguredBaseModel):
    """
    One value of one feature for one data item (cell).
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/cell_feature_schema',
         'slot_usage': {'data_item': {'name': 'data_item', 'required': True},
                        'dtype': {'description': 'Which value_* slot holds the value '
                                                 '(float, int, bool, string, bytes, '
                                                 'datetime).',
                                  'name': 'dtype'},
                        'feature': {'name': 'feature', 'required': True}}})

    id: str = Field(default=..., description="""Unique identifier of the object within its class.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    dtype: Optional[str] = Field(default=None, description="""Which value_* slot holds the value (float, int, bool, string, bytes, datetime).""", json_schema_extra = { "linkml_meta": {'domain_of': ['ZarrArray', 'CellFeatureMeasurement', 'NWBArray']} })
    value_float: Optional[float] = Field(default=None, description="""The value when the feature is a floating-point number.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellFeatureMeasurement']} })
    value_int: Optional[int] = Field(default=None, description="""The value when the feature is an integer.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellFeatureMeasurement']} })
    value_bool: Optional[bool] = Field(default=None, description="""The value when the feature is a boolean.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellFeatureMeasurement']} })
    value_string: Optional[str] = Field(default=None, description="""The value when the feature is text.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellFeatureMeasurement']} })
    value_bytes: Optional[str] = Field(default=None, description="""The value when the feature is binary, base64-encoded.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellFeatureMeasurement']} })
    value_datetime: Optional[datetime ] = Field(default=None, description="""The value when the feature is a point in time.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellFeatureMeasurement']} })
    feature_set: Optional[str] = Field(default=None, description="""The feature set the values belong to.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellFeatureMeasurement', 'CellFeatureMatrix']} })
    feature: str = Field(default=..., description="""The feature measured.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellFeatureMeasurement']} })
    data_item: str = Field(default=..., description="""The data item (cell, reconstruction, experiment) the record is about.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SingleCellReconstruction',
                       'ProjectionMeasurement',
                       'CellFeatureMeasurement',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData']} })


class CellFeatureMatrix(ConfiguredBaseModel):
    """
    A cells x features matrix of one feature set, backed by Parquet or Zarr.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/cell_feature_schema',
         'slot_usage': {'feature_set': {'name': 'feature_set', 'required': True}}})

    id: str = Field(default=..., description="""Unique identifier of the object within its class.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    description: Optional[str] = Field(default=None, description="""Free-text description.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CoordinateSpace',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMatrix',
                       'MappingSet']} })
    unit: Optional[Unit] = Field(default=None, description="""Unit of the values.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureMatrix']} })
    backing_store: Optional[str] = Field(default=None, description="""Parquet table holding the matrix values.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellFeatureMatrix']} })
    feature_values: Optional[str] = Field(default=None, description="""Zarr group holding the matrix values.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellFeatureMatrix']} })
    feature_set: str = Field(default=..., description="""The feature set the values belong to.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellFeatureMeasurement', 'CellFeatureMatrix']} })
    feature_index: Optional[list[str]] = Field(default=None, description="""The features giving the order of the matrix columns.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellFeatureMatrix']} })
    cell_index: Optional[list[str]] = Field(default=None, description="""Data items (cells) giving the order of the matrix rows.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellFeatureMatrix', 'CellGeneData']} })


class RecordingSite(ConfiguredBaseModel):
    """
    One recording site (electrode) of an extracellular probe with its CCF position (x anterior-posterior, y dorsal-ventral, z medial-lateral, um).
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/ephys_schema',
         'slot_usage': {'data_item': {'description': 'The recording session the site '
                                                     'belongs to.',
                                      'name': 'data_item'},
                        'hdf5_path': {'description': 'Path of the electrodes table in '
                                                     'the NWB file.',
                                      'name': 'hdf5_path'},
                        'id': {'description': 'The session and the electrode id, as '
                                              '<data_item>:<electrode_id> (electrode '
                                              'ids restart at 0 in every file written '
                                              'by pynwb, so the electrode id alone '
                                              'does not identify a site among '
                                              'sessions).',
                               'name': 'id'}}})

    id: str = Field(default=..., description="""The session and the electrode id, as <data_item>:<electrode_id> (electrode ids restart at 0 in every file written by pynwb, so the electrode id alone does not identify a site among sessions).""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    data_item: Optional[str] = Field(default=None, description="""The recording session the site belongs to.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SingleCellReconstruction',
                       'ProjectionMeasurement',
                       'CellFeatureMeasurement',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData']} })
    electrode_id: Optional[int] = Field(default=None, description="""Id of the electrode in its recording file (the electrodes table's id column).""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite']} })
    x: Optional[float] = Field(default=None, description="""First coordinate (anterior-posterior in CCF, or the data's x axis).""", json_schema_extra = { "linkml_meta": {'domain_of': ['SpatialLocation', 'RecordingSite']} })
    y: Optional[float] = Field(default=None, description="""Second coordinate (dorsal-ventral in CCF, or the data's y axis).""", json_schema_extra = { "linkml_meta": {'domain_of': ['SpatialLocation', 'RecordingSite']} })
    z: Optional[float] = Field(default=None, description="""Third coordinate (medial-lateral in CCF, or the data's z axis).""", json_schema_extra = { "linkml_meta": {'domain_of': ['SpatialLocation', 'RecordingSite']} })
    location: Optional[str] = Field(default=None, description="""Brain-region acronym of the site as written in the recording file (e.g. VISp).""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite']} })
    brain_region: Optional[int] = Field(default=None, description="""The brain region a record lies in or refers to, as its integer structure id (BrainRegion.structure_id; resolved from an acronym, a structure id or a CCF position).""", json_schema_extra = { "linkml_meta": {'domain_of': ['ProjectionMeasurement',
                       'RecordingSite',
                       'SortedUnit',
                       'CellMetadata',
                       'CellClusterRegionCount']} })
    probe: Optional[str] = Field(default=None, description="""Probe (electrode group) the site belongs to.""", json_schema_extra = { "linkml_meta": {'aliases': ['probe_id', 'group_name'], 'domain_of': ['RecordingSite']} })
    channel: Optional[int] = Field(default=None, description="""Channel index of the site on its probe.""", ge=0, json_schema_extra = { "linkml_meta": {'aliases': ['local_index'], 'domain_of': ['RecordingSite']} })
    probe_horizontal_position: Optional[float] = Field(default=None, description="""Horizontal position of the site on the probe shank, um.""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite']} })
    probe_vertical_position: Optional[float] = Field(default=None, description="""Vertical position of the site on the probe shank, um.""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite']} })
    imp: Optional[float] = Field(default=None, description="""Impedance of the electrode, ohms.""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite']} })
    filtering: Optional[str] = Field(default=None, description="""Hardware filtering applied to the channel.""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite']} })
    valid_data: Optional[bool] = Field(default=None, description="""Whether the channel recorded usable data.""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite']} })
    region_source: Optional[RegionSource] = Field(default=None, description="""How brain_region was resolved (from the CCF position or the location label); empty when unresolved.""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite', 'CellMetadata']} })
    ccf_region: Optional[int] = Field(default=None, description="""Region (structure id, BrainRegion.structure_id) of the site's CCF position in the atlas annotation volume, whether or not brain_region took it.""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite', 'CellMetadata']} })
    location_region: Optional[int] = Field(default=None, description="""Region (structure id, BrainRegion.structure_id) the site's location label names in the atlas ontology, whether or not brain_region took it.""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite', 'CellMetadata']} })
    nwb_file: Optional[str] = Field(default=None, description="""Path of the NWB file the record was read from (absolute local path at ingest).""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite', 'SortedUnit', 'RecordingSession']} })
    hdf5_path: Optional[str] = Field(default=None, description="""Path of the electrodes table in the NWB file.""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite', 'NWBArray']} })
    coordinate_space: Optional[str] = Field(default=None, description="""The coordinate space (ccc space list) a row's x, y, z are given in, when it is not the CCF in micrometres.""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite']} })
    space_transform: Optional[str] = Field(default=None, description="""The transform that placed a row in the CCF, with its version: \"<space>->ccf_um@<transform_version>\".""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite', 'CellMetadata']} })
    ccf_ap_um: Optional[float] = Field(default=None, description="""The row's position in the CCF after its space's transform, anterior-posterior (posterior +), um.""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite', 'CellMetadata']} })
    ccf_dv_um: Optional[float] = Field(default=None, description="""The row's position in the CCF after its space's transform, dorsal-ventral (ventral +), um.""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite', 'CellMetadata']} })
    ccf_ml_um: Optional[float] = Field(default=None, description="""The row's position in the CCF after its space's transform, medial-lateral (right +), um.""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite', 'CellMetadata']} })


class SortedUnit(ConfiguredBaseModel):
    """
    A spike-sorted unit with its peak channel, brain region and quality metrics.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/ephys_schema',
         'slot_usage': {'data_item': {'description': 'The recording session the unit '
                                                     'belongs to.',
                                      'name': 'data_item'},
                        'id': {'description': 'The session and the unit id, as '
                                              '<data_item>:<unit_id>.',
                               'name': 'id'}}})

    id: str = Field(default=..., description="""The session and the unit id, as <data_item>:<unit_id>.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    data_item: Optional[str] = Field(default=None, description="""The recording session the unit belongs to.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SingleCellReconstruction',
                       'ProjectionMeasurement',
                       'CellFeatureMeasurement',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData']} })
    unit_id: Optional[int] = Field(default=None, description="""Id of the unit in its recording file (the units table's id column).""", json_schema_extra = { "linkml_meta": {'domain_of': ['SortedUnit']} })
    peak_channel: Optional[str] = Field(default=None, description="""The recording site (<data_item>:<electrode_id>) where the unit's waveform is largest.""", json_schema_extra = { "linkml_meta": {'aliases': ['peak_channel_id'], 'domain_of': ['SortedUnit']} })
    cluster_id: Optional[int] = Field(default=None, description="""Cluster id of the unit in the spike sorter's output.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SortedUnit']} })
    quality: Optional[str] = Field(default=None, description="""Curation label of the unit (e.g. good, noise).""", json_schema_extra = { "linkml_meta": {'domain_of': ['SortedUnit']} })
    firing_rate: Optional[float] = Field(default=None, description="""Mean firing rate, Hz.""", ge=0, json_schema_extra = { "linkml_meta": {'domain_of': ['SortedUnit']} })
    amplitude: Optional[float] = Field(default=None, description="""Peak-to-trough amplitude of the mean waveform, uV.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SortedUnit']} })
    amplitude_cutoff: Optional[float] = Field(default=None, description="""Estimated fraction of spikes missed below the detection threshold.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SortedUnit']} })
    isi_violations: Optional[float] = Field(default=None, description="""Rate of refractory-period violations.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SortedUnit']} })
    presence_ratio: Optional[float] = Field(default=None, description="""Fraction of the recording in which the unit fired.""", ge=0, le=1, json_schema_extra = { "linkml_meta": {'domain_of': ['SortedUnit']} })
    snr: Optional[float] = Field(default=None, description="""Signal-to-noise ratio of the waveform.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SortedUnit']} })
    isolation_distance: Optional[float] = Field(default=None, description="""Mahalanobis isolation distance of the cluster.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SortedUnit']} })
    l_ratio: Optional[float] = Field(default=None, description="""L-ratio cluster quality metric.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SortedUnit']} })
    d_prime: Optional[float] = Field(default=None, description="""LDA-based d-prime cluster separation.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SortedUnit']} })
    nn_hit_rate: Optional[float] = Field(default=None, description="""Nearest-neighbour hit rate.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SortedUnit']} })
    nn_miss_rate: Optional[float] = Field(default=None, description="""Nearest-neighbour miss rate.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SortedUnit']} })
    silhouette_score: Optional[float] = Field(default=None, description="""Silhouette score of the cluster.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SortedUnit']} })
    max_drift: Optional[float] = Field(default=None, description="""Largest drift of the unit's position, um.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SortedUnit']} })
    cumulative_drift: Optional[float] = Field(default=None, description="""Cumulative drift of the unit's position, um.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SortedUnit']} })
    waveform_duration: Optional[float] = Field(default=None, description="""Trough-to-peak duration of the waveform, ms.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SortedUnit']} })
    waveform_halfwidth: Optional[float] = Field(default=None, description="""Width of the waveform at half amplitude, ms.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SortedUnit']} })
    spread: Optional[float] = Field(default=None, description="""Spatial extent of the waveform along the probe, um.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SortedUnit']} })
    pt_ratio: Optional[float] = Field(default=None, description="""Ratio of peak to trough amplitude.""", json_schema_extra = { "linkml_meta": {'aliases': ['PT_ratio'], 'domain_of': ['SortedUnit']} })
    recovery_slope: Optional[float] = Field(default=None, description="""Slope of the waveform's recovery after the peak.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SortedUnit']} })
    repolarization_slope: Optional[float] = Field(default=None, description="""Slope of the waveform's repolarisation after the trough.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SortedUnit']} })
    brain_region: Optional[int] = Field(default=None, description="""The brain region a record lies in or refers to, as its integer structure id (BrainRegion.structure_id; resolved from an acronym, a structure id or a CCF position).""", json_schema_extra = { "linkml_meta": {'domain_of': ['ProjectionMeasurement',
                       'RecordingSite',
                       'SortedUnit',
                       'CellMetadata',
                       'CellClusterRegionCount']} })
    nwb_file: Optional[str] = Field(default=None, description="""Path of the NWB file the record was read from (absolute local path at ingest).""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite', 'SortedUnit', 'RecordingSession']} })
    units_row: Optional[int] = Field(default=None, description="""Row of the unit in the NWB units table (0-based): the index into its ragged columns (spike_times with spike_times_index).""", ge=0, json_schema_extra = { "linkml_meta": {'domain_of': ['SortedUnit']} })
    spike_times_path: Optional[str] = Field(default=None, description="""HDF5 path of the units table's spike_times column in the NWB file.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SortedUnit']} })


class RecordingSession(ConfiguredBaseModel):
    """
    The session-level metadata of one recording (an NWB file): file, NWB version, start time, description and subject. It extends the session's DataItem (same id) without adding NWB-only slots to DataItem.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/ephys_schema',
         'slot_usage': {'data_item': {'description': 'The DataItem of the session (the '
                                                     'same id).',
                                      'name': 'data_item',
                                      'required': True},
                        'id': {'description': 'Session identifier (NWB identifier), '
                                              "the id of the session's DataItem.",
                               'name': 'id'},
                        'nwb_file': {'name': 'nwb_file', 'required': True}}})

    id: str = Field(default=..., description="""Session identifier (NWB identifier), the id of the session's DataItem.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    data_item: str = Field(default=..., description="""The DataItem of the session (the same id).""", json_schema_extra = { "linkml_meta": {'domain_of': ['SingleCellReconstruction',
                       'ProjectionMeasurement',
                       'CellFeatureMeasurement',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData']} })
    nwb_file: str = Field(default=..., description="""Path of the NWB file the record was read from (absolute local path at ingest).""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite', 'SortedUnit', 'RecordingSession']} })
    nwb_version: Optional[str] = Field(default=None, description="""NWB schema version of the file (its nwb_version attribute, e.g. 2.2.2).""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSession']} })
    session_start_time: Optional[datetime ] = Field(default=None, description="""Start of the recording session (NWB session_start_time, ISO 8601 with a time zone; stored as an instant in UTC).""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSession']} })
    session_description: Optional[str] = Field(default=None, description="""Free-text description of the session (NWB session_description).""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSession']} })
    subject_id: Optional[str] = Field(default=None, description="""Identifier of the recorded animal (NWB /general/subject/subject_id).""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSession']} })


class NWBArray(ConfiguredBaseModel):
    """
    An array (HDF5 dataset) of an NWB file, registered but not copied: which file and HDF5 path hold it, with its type, shape and chunking, so that readers slice it in place (e.g. an ElectricalSeries' data).
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/ephys_schema',
         'slot_usage': {'chunks': {'description': 'Chunk extent of each dimension; '
                                                  'absent for a contiguous dataset.',
                                   'name': 'chunks'},
                        'data_item': {'description': 'The recording session whose file '
                                                     'holds the array.',
                                      'name': 'data_item',
                                      'required': True},
                        'dtype': {'description': 'Element type of the HDF5 dataset '
                                                 '(e.g. int16, float32, string).',
                                  'name': 'dtype'},
                        'hdf5_path': {'description': 'HDF5 path of the dataset inside '
                                                     'the NWB file.',
                                      'name': 'hdf5_path',
                                      'required': True},
                        'id': {'description': "The session id and the array's HDF5 "
                                              'path, as <data_item>:<hdf5_path>.',
                               'name': 'id'},
                        'path': {'description': 'Path of the NWB file holding the '
                                                'array (absolute local path at '
                                                'ingest).',
                                 'name': 'path',
                                 'required': True}}})

    id: str = Field(default=..., description="""The session id and the array's HDF5 path, as <data_item>:<hdf5_path>.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    data_item: str = Field(default=..., description="""The recording session whose file holds the array.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SingleCellReconstruction',
                       'ProjectionMeasurement',
                       'CellFeatureMeasurement',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData']} })
    path: str = Field(default=..., description="""Path of the NWB file holding the array (absolute local path at ingest).""", json_schema_extra = { "linkml_meta": {'domain_of': ['ParquetDataset', 'ZarrDataset', 'ZarrArray', 'NWBArray']} })
    hdf5_path: str = Field(default=..., description="""HDF5 path of the dataset inside the NWB file.""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite', 'NWBArray']} })
    neurodata_type: Optional[str] = Field(default=None, description="""NWB neurodata_type of the group holding the array (e.g. ElectricalSeries); absent for untyped groups.""", json_schema_extra = { "linkml_meta": {'domain_of': ['NWBArray']} })
    dtype: Optional[str] = Field(default=None, description="""Element type of the HDF5 dataset (e.g. int16, float32, string).""", json_schema_extra = { "linkml_meta": {'domain_of': ['ZarrArray', 'CellFeatureMeasurement', 'NWBArray']} })
    shape: Optional[list[int]] = Field(default=None, description="""Extent of each array dimension.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ZarrArray', 'NWBArray']} })
    chunks: Optional[list[int]] = Field(default=None, description="""Chunk extent of each dimension; absent for a contiguous dataset.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ZarrArray', 'NWBArray']} })


class BarcodingExperimentMetadata(ConfiguredBaseModel):
    """
    Metadata of a barcoding (BARseq/MAPseq) sequencing experiment.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/gene_schema'})

    experiment_type: Optional[str] = Field(default=None, description="""Kind of barcoding experiment (e.g. BARseq, MAPseq).""", json_schema_extra = { "linkml_meta": {'domain_of': ['BarcodingExperimentMetadata']} })
    sequencing_platform: Optional[str] = Field(default=None, description="""Sequencing instrument or platform used.""", json_schema_extra = { "linkml_meta": {'domain_of': ['BarcodingExperimentMetadata']} })
    data_processing_pipeline: Optional[str] = Field(default=None, description="""Software pipeline that processed the reads.""", json_schema_extra = { "linkml_meta": {'domain_of': ['BarcodingExperimentMetadata']} })
    normalization_method: Optional[str] = Field(default=None, description="""How counts were normalised.""", json_schema_extra = { "linkml_meta": {'domain_of': ['BarcodingExperimentMetadata']} })


class CellGeneData(ConfiguredBaseModel):
    """
    A cells x genes matrix of one data set, stored as Zarr arrays.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/gene_schema',
         'slot_usage': {'cell_gene_matrix': {'name': 'cell_gene_matrix',
                                             'required': True},
                        'data_item': {'name': 'data_item', 'required': True}}})

    id: str = Field(default=..., description="""Unique identifier of the object within its class.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    experiment_metadata: Optional[BarcodingExperimentMetadata] = Field(default=None, description="""Metadata of the barcoding experiment that produced the data.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellGeneData']} })
    gene_metadata: Optional[str] = Field(default=None, description="""Array of per-gene metadata (one entry per matrix column).""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellGeneData']} })
    data_item: str = Field(default=..., description="""The data item (cell, reconstruction, experiment) the record is about.""", json_schema_extra = { "linkml_meta": {'domain_of': ['SingleCellReconstruction',
                       'ProjectionMeasurement',
                       'CellFeatureMeasurement',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData']} })
    cell_gene_matrix: str = Field(default=..., description="""The cells x genes expression matrix.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellGeneData']} })
    cell_index: Optional[list[str]] = Field(default=None, description="""Data items (cells) giving the order of the matrix rows.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellFeatureMatrix', 'CellGeneData']} })


class CellMetadata(ConfiguredBaseModel):
    """
    Per-cell quality metadata and position of a gene-expression measurement.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/gene_schema',
         'slot_usage': {'brain_region': {'description': 'Region of the cell: from its '
                                                        'CCF position through an '
                                                        'annotation volume '
                                                        '(ccf_region), else from the '
                                                        'parcellation label its table '
                                                        'gives (location_region); both '
                                                        'kept when they disagree.',
                                         'name': 'brain_region'}}})

    cell_id: str = Field(default=..., description="""Identifier of the cell the metadata describes.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellMetadata']} })
    quality_score: Optional[float] = Field(default=None, description="""Quality score of the cell's measurement.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellMetadata']} })
    total_counts: Optional[int] = Field(default=None, description="""Total number of reads or UMIs counted for the cell.""", ge=0, json_schema_extra = { "linkml_meta": {'domain_of': ['CellMetadata']} })
    n_genes_detected: Optional[int] = Field(default=None, description="""Number of genes detected in the cell.""", ge=0, json_schema_extra = { "linkml_meta": {'domain_of': ['CellMetadata']} })
    spatial_location: Optional[SpatialLocation] = Field(default=None, description="""Position of the cell.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellMetadata']} })
    dataset: Optional[str] = Field(default=None, description="""The data set the item belongs to.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataItem', 'CellMetadata']} })
    brain_region: Optional[int] = Field(default=None, description="""Region of the cell: from its CCF position through an annotation volume (ccf_region), else from the parcellation label its table gives (location_region); both kept when they disagree.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ProjectionMeasurement',
                       'RecordingSite',
                       'SortedUnit',
                       'CellMetadata',
                       'CellClusterRegionCount']} })
    region_source: Optional[RegionSource] = Field(default=None, description="""How brain_region was resolved (from the CCF position or the location label); empty when unresolved.""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite', 'CellMetadata']} })
    ccf_region: Optional[int] = Field(default=None, description="""Region (structure id, BrainRegion.structure_id) of the site's CCF position in the atlas annotation volume, whether or not brain_region took it.""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite', 'CellMetadata']} })
    location_region: Optional[int] = Field(default=None, description="""Region (structure id, BrainRegion.structure_id) the site's location label names in the atlas ontology, whether or not brain_region took it.""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite', 'CellMetadata']} })
    space_transform: Optional[str] = Field(default=None, description="""The transform that placed a row in the CCF, with its version: \"<space>->ccf_um@<transform_version>\".""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite', 'CellMetadata']} })
    ccf_ap_um: Optional[float] = Field(default=None, description="""The row's position in the CCF after its space's transform, anterior-posterior (posterior +), um.""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite', 'CellMetadata']} })
    ccf_dv_um: Optional[float] = Field(default=None, description="""The row's position in the CCF after its space's transform, dorsal-ventral (ventral +), um.""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite', 'CellMetadata']} })
    ccf_ml_um: Optional[float] = Field(default=None, description="""The row's position in the CCF after its space's transform, medial-lateral (right +), um.""", json_schema_extra = { "linkml_meta": {'domain_of': ['RecordingSite', 'CellMetadata']} })


class GeneMetadata(ConfiguredBaseModel):
    """
    Identifier and symbol of one gene.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/gene_schema'})

    gene_id: str = Field(default=..., description="""Stable gene identifier (e.g. an Ensembl id).""", json_schema_extra = { "linkml_meta": {'domain_of': ['GeneMetadata']} })
    gene_symbol: Optional[str] = Field(default=None, description="""Gene symbol (e.g. Slc17a7).""", json_schema_extra = { "linkml_meta": {'domain_of': ['GeneMetadata']} })


class MappingSet(ConfiguredBaseModel):
    """
    A set of mappings between two data sets made by one method.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/mapping_schema'})

    id: str = Field(default=..., description="""Unique identifier of the object within its class.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    name: Optional[str] = Field(default=None, description="""Human-readable name.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'BrainRegion',
                       'ClusterHierarchy',
                       'Cluster',
                       'ConnectivityExperiment',
                       'CellFeatureSet',
                       'MappingSet']} })
    description: Optional[str] = Field(default=None, description="""Free-text description.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CoordinateSpace',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMatrix',
                       'MappingSet']} })
    method_name: Optional[str] = Field(default=None, description="""Name of the mapping method.""", json_schema_extra = { "linkml_meta": {'domain_of': ['MappingSet']} })
    method_version: Optional[str] = Field(default=None, description="""Version of the mapping method.""", json_schema_extra = { "linkml_meta": {'domain_of': ['MappingSet']} })
    author: Optional[str] = Field(default=None, description="""Person or group that made the mapping.""", json_schema_extra = { "linkml_meta": {'domain_of': ['MappingSet']} })
    created_at: Optional[datetime ] = Field(default=None, description="""When the mapping was made.""", json_schema_extra = { "linkml_meta": {'domain_of': ['MappingSet']} })
    parameters_json: Optional[str] = Field(default=None, description="""Parameters of the method or algorithm as a JSON object.""", json_schema_extra = { "linkml_meta": {'domain_of': ['AlgorithmRun', 'MappingSet']} })
    source_dataset: str = Field(default=..., description="""The data set whose items are mapped.""", json_schema_extra = { "linkml_meta": {'domain_of': ['MappingSet']} })
    target_dataset: str = Field(default=..., description="""The data set the items are mapped onto.""", json_schema_extra = { "linkml_meta": {'domain_of': ['MappingSet']} })


class CellToCellMapping(ConfiguredBaseModel):
    """
    A cell of one data set mapped onto a cell of another.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/mapping_schema'})

    id: str = Field(default=..., description="""Unique identifier of the object within its class.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    score: Optional[float] = Field(default=None, description="""A score produced by an algorithm; its meaning is described by the producer.""", json_schema_extra = { "linkml_meta": {'domain_of': ['Cluster',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping']} })
    probability: Optional[float] = Field(default=None, description="""A probability between 0 and 1.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping']} })
    notes: Optional[str] = Field(default=None, description="""Free-text notes.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping']} })
    source_cell: str = Field(default=..., description="""The cell being mapped.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellToCellMapping', 'CellToClusterMapping']} })
    target_cell: str = Field(default=..., description="""The cell it is mapped onto.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellToCellMapping']} })
    mapping_set: str = Field(default=..., description="""The mapping set the mapping belongs to.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping']} })


class CellToClusterMapping(ConfiguredBaseModel):
    """
    A cell mapped onto a cluster (cell type) of a taxonomy.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/mapping_schema'})

    id: str = Field(default=..., description="""Unique identifier of the object within its class.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    score: Optional[float] = Field(default=None, description="""A score produced by an algorithm; its meaning is described by the producer.""", json_schema_extra = { "linkml_meta": {'domain_of': ['Cluster',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping']} })
    probability: Optional[float] = Field(default=None, description="""A probability between 0 and 1.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping']} })
    notes: Optional[str] = Field(default=None, description="""Free-text notes.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping']} })
    source_cell: str = Field(default=..., description="""The cell being mapped.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellToCellMapping', 'CellToClusterMapping']} })
    target_cluster: str = Field(default=..., description="""The cluster it is mapped onto.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellToClusterMapping', 'ClusterToClusterMapping']} })
    mapping_set: str = Field(default=..., description="""The mapping set the mapping belongs to.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping']} })


class ClusterToClusterMapping(ConfiguredBaseModel):
    """
    A cluster of one taxonomy mapped onto a cluster of another.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/mapping_schema'})

    id: str = Field(default=..., description="""Unique identifier of the object within its class.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    score: Optional[float] = Field(default=None, description="""A score produced by an algorithm; its meaning is described by the producer.""", json_schema_extra = { "linkml_meta": {'domain_of': ['Cluster',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping']} })
    probability: Optional[float] = Field(default=None, description="""A probability between 0 and 1.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping']} })
    notes: Optional[str] = Field(default=None, description="""Free-text notes.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping']} })
    source_cluster: str = Field(default=..., description="""The cluster being mapped.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ClusterToClusterMapping']} })
    target_cluster: str = Field(default=..., description="""The cluster it is mapped onto.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellToClusterMapping', 'ClusterToClusterMapping']} })
    mapping_set: str = Field(default=..., description="""The mapping set the mapping belongs to.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping']} })


class CellClusterRegionCount(ConfiguredBaseModel):
    """
    Cells of one data set counted per brain region and assigned cluster: one row per (brain_region, cluster) pair with cell_count cells; cells without a region have no brain_region and cells without an assigned cluster no cluster. Derived from CellMetadata.brain_region and CellToClusterMapping.target_cluster and written by ccc cells ingest in the same store version, so that \"cells per cell type per region, rolled up the atlas\" reads one small table; the counts sum to the data set's cells (and, over rows with a cluster, to its assignments).
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/mapping_schema'})

    brain_region: Optional[int] = Field(default=None, description="""The brain region a record lies in or refers to, as its integer structure id (BrainRegion.structure_id; resolved from an acronym, a structure id or a CCF position).""", json_schema_extra = { "linkml_meta": {'domain_of': ['ProjectionMeasurement',
                       'RecordingSite',
                       'SortedUnit',
                       'CellMetadata',
                       'CellClusterRegionCount']} })
    cluster: Optional[str] = Field(default=None, description="""The cluster the item is a member of.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ClusterMembership', 'CellClusterRegionCount']} })
    cell_count: int = Field(default=..., description="""Number of cells (of one data set) with the row's brain region and assigned cluster.""", ge=1, json_schema_extra = { "linkml_meta": {'domain_of': ['CellClusterRegionCount']} })


class Synapse(ConfiguredBaseModel):
    """
    A synapse between two segmented neurons, with its size and positions.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/synapse_schema',
         'slot_usage': {'id': {'aliases': ['synapse_id'],
                               'description': 'CAVE synapse id.',
                               'name': 'id',
                               'range': 'integer'},
                        'size': {'description': 'Size of the synaptic cleft in voxels.',
                                 'name': 'size'}}})

    id: int = Field(default=..., description="""CAVE synapse id.""", json_schema_extra = { "linkml_meta": {'aliases': ['synapse_id'],
         'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    pre_pt_root_id: int = Field(default=..., description="""Segmentation root id of the presynaptic neuron.""", json_schema_extra = { "linkml_meta": {'domain_of': ['Synapse']} })
    post_pt_root_id: int = Field(default=..., description="""Segmentation root id of the postsynaptic neuron.""", json_schema_extra = { "linkml_meta": {'domain_of': ['Synapse']} })
    size: Optional[int] = Field(default=None, description="""Size of the synaptic cleft in voxels.""", ge=0, json_schema_extra = { "linkml_meta": {'domain_of': ['Cluster', 'Synapse']} })
    pre_pt_position: Optional[SpatialLocation] = Field(default=None, description="""Point on the presynaptic side of the synapse.""", json_schema_extra = { "linkml_meta": {'domain_of': ['Synapse']} })
    post_pt_position: Optional[SpatialLocation] = Field(default=None, description="""Point on the postsynaptic side of the synapse.""", json_schema_extra = { "linkml_meta": {'domain_of': ['Synapse']} })
    ctr_pt_position: Optional[SpatialLocation] = Field(default=None, description="""Centre point of the synaptic cleft.""", json_schema_extra = { "linkml_meta": {'domain_of': ['Synapse']} })
    pre_pt_supervoxel_id: Optional[int] = Field(default=None, description="""Supervoxel id at the presynaptic point.""", json_schema_extra = { "linkml_meta": {'domain_of': ['Synapse']} })
    post_pt_supervoxel_id: Optional[int] = Field(default=None, description="""Supervoxel id at the postsynaptic point.""", json_schema_extra = { "linkml_meta": {'domain_of': ['Synapse']} })
    valid: Optional[bool] = Field(default=None, description="""Whether the annotation is valid (CAVE's valid column).""", json_schema_extra = { "linkml_meta": {'domain_of': ['Synapse', 'CellTypeAnnotation', 'ProofreadingStatus']} })
    created: Optional[datetime ] = Field(default=None, description="""When the annotation was created.""", json_schema_extra = { "linkml_meta": {'domain_of': ['Synapse', 'CellTypeAnnotation']} })


class CellTypeAnnotation(ConfiguredBaseModel):
    """
    A cell-type label of a nucleus (one cell) and its neuron's root id. One nucleus may carry one label per source (an automated classifier's and a human annotator's), so a record is keyed by (id, source), not by id.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/synapse_schema',
         'slot_usage': {'id': {'aliases': ['nucleus_id', 'target_id'],
                               'description': 'Nucleus id of the annotated cell (not '
                                              'unique in the class: see the unique key '
                                              'one_label_per_source).',
                               'identifier': False,
                               'name': 'id',
                               'range': 'integer',
                               'required': True}},
         'unique_keys': {'one_label_per_source': {'description': 'At most one label '
                                                                 'per nucleus and '
                                                                 'source. A missing '
                                                                 'source is a value of '
                                                                 "its own (LinkML's "
                                                                 'default, '
                                                                 'consider_nulls_inequal '
                                                                 'false): two rows of '
                                                                 'one nucleus without '
                                                                 'a source are '
                                                                 'duplicates.',
                                                  'unique_key_name': 'one_label_per_source',
                                                  'unique_key_slots': ['id',
                                                                       'source']}}})

    id: int = Field(default=..., description="""Nucleus id of the annotated cell (not unique in the class: see the unique key one_label_per_source).""", json_schema_extra = { "linkml_meta": {'aliases': ['nucleus_id', 'target_id'],
         'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    pt_root_id: Optional[int] = Field(default=None, description="""Segmentation root id of the annotated neuron.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellTypeAnnotation', 'ProofreadingStatus']} })
    cell_type: Optional[str] = Field(default=None, description="""Cell type label (e.g. 23P, BC, MC).""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellTypeAnnotation']} })
    classification_system: Optional[str] = Field(default=None, description="""Taxonomy the cell type belongs to (e.g. aibs_coarse_excitatory).""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellTypeAnnotation']} })
    pt_position: Optional[SpatialLocation] = Field(default=None, description="""Point of the annotated object (e.g. the nucleus centre).""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellTypeAnnotation', 'ProofreadingStatus']} })
    pt_supervoxel_id: Optional[int] = Field(default=None, description="""Supervoxel id at the annotated point.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellTypeAnnotation', 'ProofreadingStatus']} })
    source: Optional[AnnotationSource] = Field(default=None, description="""Whether the annotation was made manually or by a classifier.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellTypeAnnotation']} })
    valid: Optional[bool] = Field(default=None, description="""Whether the annotation is valid (CAVE's valid column).""", json_schema_extra = { "linkml_meta": {'domain_of': ['Synapse', 'CellTypeAnnotation', 'ProofreadingStatus']} })
    created: Optional[datetime ] = Field(default=None, description="""When the annotation was created.""", json_schema_extra = { "linkml_meta": {'domain_of': ['Synapse', 'CellTypeAnnotation']} })


class ProofreadingStatus(ConfiguredBaseModel):
    """
    Proofreading state of one neuron's axon and dendrite.
    """
    linkml_meta: ClassVar[LinkMLMeta] = LinkMLMeta({'from_schema': 'https://w3id.org/ccc/synapse_schema',
         'slot_usage': {'id': {'description': 'CAVE annotation id of the proofreading '
                                              'record.',
                               'name': 'id',
                               'range': 'integer'}}})

    id: int = Field(default=..., description="""CAVE annotation id of the proofreading record.""", json_schema_extra = { "linkml_meta": {'domain_of': ['DataSet',
                       'DataItem',
                       'ParquetDataset',
                       'ZarrDataset',
                       'ZarrArray',
                       'BrainRegion',
                       'AlgorithmRun',
                       'ClusterHierarchy',
                       'Cluster',
                       'SingleCellReconstruction',
                       'CoordinateSpace',
                       'ConnectivityExperiment',
                       'InjectionSummary',
                       'ProjectionMeasurementMatrix',
                       'ProjectionMeasurement',
                       'ProjectionMeasurementTypeMetadata',
                       'CellFeatureDefinition',
                       'CellFeatureSet',
                       'CellFeatureMeasurement',
                       'CellFeatureMatrix',
                       'RecordingSite',
                       'SortedUnit',
                       'RecordingSession',
                       'NWBArray',
                       'CellGeneData',
                       'MappingSet',
                       'CellToCellMapping',
                       'CellToClusterMapping',
                       'ClusterToClusterMapping',
                       'Synapse',
                       'CellTypeAnnotation',
                       'ProofreadingStatus']} })
    pt_root_id: Optional[int] = Field(default=None, description="""Segmentation root id of the annotated neuron.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellTypeAnnotation', 'ProofreadingStatus']} })
    pt_position: Optional[SpatialLocation] = Field(default=None, description="""Point of the annotated object (e.g. the nucleus centre).""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellTypeAnnotation', 'ProofreadingStatus']} })
    pt_supervoxel_id: Optional[int] = Field(default=None, description="""Supervoxel id at the annotated point.""", json_schema_extra = { "linkml_meta": {'domain_of': ['CellTypeAnnotation', 'ProofreadingStatus']} })
    status_axon: Optional[ProofreadingLevel] = Field(default=None, description="""Proofreading state of the axon.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ProofreadingStatus']} })
    status_dendrite: Optional[ProofreadingLevel] = Field(default=None, description="""Proofreading state of the dendrite.""", json_schema_extra = { "linkml_meta": {'domain_of': ['ProofreadingStatus']} })
    strategy_axon: Optional[str] = Field(default=None, description="""Axon proofreading strategy (e.g. axon_fully_extended, axon_partially_extended).""", json_schema_extra = { "linkml_meta": {'domain_of': ['ProofreadingStatus']} })
    strategy_dendrite: Optional[str] = Field(default=None, description="""Dendrite proofreading strategy (e.g. dendrite_extended, dendrite_clean).""", json_schema_extra = { "linkml_meta": {'domain_of': ['ProofreadingStatus']} })
    valid: Optional[bool] = Field(default=None, description="""Whether the annotation is valid (CAVE's valid column).""", json_schema_extra = { "linkml_meta": {'domain_of': ['Synapse', 'CellTypeAnnotation', 'ProofreadingStatus']} })


# Model rebuild
# see https://pydantic-docs.helpmanual.io/usage/models/#rebuilding-a-model
DataSet.model_rebuild()
DataItem.model_rebuild()
ParquetDataset.model_rebuild()
ZarrDataset.model_rebuild()
ZarrArray.model_rebuild()
BrainRegion.model_rebuild()
BrainRegionClosure.model_rebuild()
AlgorithmRun.model_rebuild()
ClusterHierarchy.model_rebuild()
Cluster.model_rebuild()
ClusterMembership.model_rebuild()
SpatialLocation.model_rebuild()
SingleCellReconstruction.model_rebuild()
CoordinateSpace.model_rebuild()
ConnectivityExperiment.model_rebuild()
InjectionSummary.model_rebuild()
ProjectionMeasurementMatrix.model_rebuild()
ProjectionMeasurement.model_rebuild()
ProjectionMeasurementTypeMetadata.model_rebuild()
CellFeatureDefinition.model_rebuild()
CellFeatureSet.model_rebuild()
CellFeatureMeasurement.model_rebuild()
CellFeatureMatrix.model_rebuild()
RecordingSite.model_rebuild()
SortedUnit.model_rebuild()
RecordingSession.model_rebuild()
NWBArray.model_rebuild()
BarcodingExperimentMetadata.model_rebuild()
CellGeneData.model_rebuild()
CellMetadata.model_rebuild()
GeneMetadata.model_rebuild()
MappingSet.model_rebuild()
CellToCellMapping.model_rebuild()
CellToClusterMapping.model_rebuild()
ClusterToClusterMapping.model_rebuild()
CellClusterRegionCount.model_rebuild()
Synapse.model_rebuild()
CellTypeAnnotation.model_rebuild()
ProofreadingStatus.model_rebuild()
