/**
 * Facts from the grafana/alloy v1.18.1 component reference, for the components MOP renders: for each component its
 * documentation page (docs/sources/reference/components/<namespace>/<component>.md at tag v1.18.1), its exported
 * fields ("Exported fields"), its arguments ("Arguments") and its blocks with their arguments (the "Blocks" table
 * and the section of each block, including the shared sections it includes from docs/sources/shared/). Arguments
 * whose description marks them "(Experimental)" are listed under `experimental`.
 *
 * The tables were read from the documentation pages with a one-off script over a checkout of the tag; nothing else
 * of the pages is kept here. Where a page describes a block only by reference ("`calls_dimension` … match the
 * `dimension` block"), the referenced block's arguments are listed.
 */
export interface BlockSchema {
  readonly attrs: readonly string[];
  readonly experimental?: readonly string[];
  readonly blocks?: Readonly<Record<string, BlockSchema>>;
}

export interface ComponentSchema extends BlockSchema {
  readonly doc: string;
  readonly exports: readonly string[];
}

export const ALLOY_COMPONENTS: Readonly<Record<string, ComponentSchema>> = {
  "discovery.kubernetes": {
    doc: "docs/sources/reference/components/discovery/discovery.kubernetes.md",
    exports: ["targets"],
    attrs: ["api_server","bearer_token","bearer_token_file","enable_http2","follow_redirects","http_headers","kubeconfig_file","no_proxy","proxy_connect_header","proxy_from_environment","proxy_url","role"],
    blocks: {
      "attach_metadata": { attrs: ["namespace","node"] },
      "authorization": { attrs: ["credentials","credentials_file","type"] },
      "basic_auth": { attrs: ["password","password_file","username"] },
      "namespaces": { attrs: ["names","own_namespace"] },
      "oauth2": {
        attrs: ["client_id","client_secret","client_secret_file","endpoint_params","no_proxy","proxy_connect_header","proxy_from_environment","proxy_url","scopes","token_url"],
        blocks: {
          "tls_config": { attrs: ["ca_file","ca_pem","cert_file","cert_pem","insecure_skip_verify","key_file","key_pem","min_version","server_name"] },
        },
      },
      "selectors": { attrs: ["field","label","role"] },
      "tls_config": { attrs: ["ca_file","ca_pem","cert_file","cert_pem","insecure_skip_verify","key_file","key_pem","min_version","server_name"] },
    },
  },
  "discovery.relabel": {
    doc: "docs/sources/reference/components/discovery/discovery.relabel.md",
    exports: ["output","rules"],
    attrs: ["targets"],
    blocks: {
      "rule": { attrs: ["action","modulus","regex","replacement","separator","source_labels","target_label"] },
    },
  },
  "local.file_match": {
    doc: "docs/sources/reference/components/local/local.file_match.md",
    exports: ["targets"], attrs: ["ignore_older_than","path_targets","sync_period"] },
  "loki.process": {
    doc: "docs/sources/reference/components/loki/loki.process.md",
    exports: ["receiver"],
    attrs: ["forward_to"],
    blocks: {
      "stage.cri": { attrs: ["max_partial_line_size","max_partial_line_size_truncate","max_partial_lines"] },
      "stage.decolorize": { attrs: [] },
      "stage.docker": { attrs: [] },
      "stage.drop": { attrs: ["drop_counter_reason","expression","longer_than","older_than","separator","source","value"] },
      "stage.eventlogmessage": { attrs: ["drop_invalid_labels","overwrite_existing","source"] },
      "stage.geoip": { attrs: ["custom_lookups","db","db_type","source"] },
      "stage.json": { attrs: ["drop_malformed","expressions","regex","source"] },
      "stage.label_drop": { attrs: ["values"] },
      "stage.label_keep": { attrs: ["values"] },
      "stage.labels": { attrs: ["source_type","values"] },
      "stage.limit": { attrs: ["burst","by_label_name","drop","max_distinct_labels","rate"] },
      "stage.logfmt": { attrs: ["mapping","regex","source"] },
      "stage.luhn": { attrs: ["delimiters","min_length","replacement","source"] },
      "stage.match": { attrs: ["action","drop_counter_reason","pipeline_name","selector"] },
      "stage.metrics": { attrs: [] },
      "stage.multiline": { attrs: ["firstline","max_lines","max_wait_time","trim_newlines"] },
      "stage.output": { attrs: ["source"] },
      "stage.pack": { attrs: ["ingest_timestamp","labels"] },
      "stage.pattern": { attrs: ["labels_from_groups","pattern","source"] },
      "stage.regex": { attrs: ["expression","labels_from_groups","source"] },
      "stage.replace": { attrs: ["expression","replace","source"] },
      "stage.sampling": { attrs: ["drop_counter_reason","rate"] },
      "stage.static_labels": { attrs: ["values"] },
      "stage.structured_metadata": { attrs: ["regex","values"] },
      "stage.structured_metadata_drop": { attrs: ["values"] },
      "stage.template": { attrs: ["source","template"] },
      "stage.tenant": { attrs: ["label","source","value"] },
      "stage.timestamp": { attrs: ["action_on_duplicate_timestamp","action_on_failure","fallback_formats","format","location","source"] },
      "stage.truncate": { attrs: [] },
      "stage.windowsevent": { attrs: ["drop_invalid_labels","overwrite_existing","source"] },
    },
  },
  "loki.relabel": {
    doc: "docs/sources/reference/components/loki/loki.relabel.md",
    exports: ["receiver","rules"],
    attrs: ["forward_to","max_cache_size"],
    blocks: {
      "rule": { attrs: ["action","modulus","regex","replacement","separator","source_labels","target_label"] },
    },
  },
  "loki.source.file": {
    doc: "docs/sources/reference/components/loki/loki.source.file.md",
    exports: [],
    attrs: ["encoding","forward_to","legacy_positions_file","on_positions_file_error","tail_from_end","targets"],
    blocks: {
      "decompression": { attrs: ["enabled","format","initial_delay"] },
      "file_match": { attrs: ["enabled","ignore_older_than","sync_period"] },
      "file_watch": { attrs: ["max_poll_frequency","min_poll_frequency"] },
    },
  },
  "loki.source.journal": {
    doc: "docs/sources/reference/components/loki/loki.source.journal.md",
    exports: [],
    attrs: ["format_as_json","forward_to","labels","matches","max_age","path","relabel_rules"],
    blocks: {
      "legacy_position": { attrs: ["file","name"] },
    },
  },
  "loki.source.kubernetes_events": {
    doc: "docs/sources/reference/components/loki/loki.source.kubernetes_events.md",
    exports: [],
    attrs: ["forward_to","job_name","log_format","namespaces"],
    blocks: {
      "client": {
        attrs: ["api_server","bearer_token","bearer_token_file","enable_http2","follow_redirects","http_headers","kubeconfig_file","no_proxy","proxy_connect_header","proxy_from_environment","proxy_url"],
        blocks: {
          "authorization": { attrs: ["credentials","credentials_file","type"] },
          "basic_auth": { attrs: ["password","password_file","username"] },
          "oauth2": {
            attrs: ["client_id","client_secret","client_secret_file","endpoint_params","no_proxy","proxy_connect_header","proxy_from_environment","proxy_url","scopes","token_url"],
            blocks: {
              "tls_config": { attrs: ["ca_file","ca_pem","cert_file","cert_pem","insecure_skip_verify","key_file","key_pem","min_version","server_name"] },
            },
          },
          "tls_config": { attrs: ["ca_file","ca_pem","cert_file","cert_pem","insecure_skip_verify","key_file","key_pem","min_version","server_name"] },
        },
      },
      "clustering": { attrs: ["enabled"] },
    },
  },
  "loki.write": {
    doc: "docs/sources/reference/components/loki/loki.write.md",
    exports: ["receiver"],
    attrs: ["external_labels","max_streams"],
    blocks: {
      "endpoint": {
        attrs: ["batch_size","batch_wait","bearer_token","bearer_token_file","enable_http2","follow_redirects","headers","http_headers","max_backoff_period","max_backoff_retries","min_backoff_period","name","no_proxy","proxy_connect_header","proxy_from_environment","proxy_url","remote_timeout","retry_on_http_429","tenant_id","url"],
        blocks: {
          "authorization": { attrs: ["credentials","credentials_file","type"] },
          "basic_auth": { attrs: ["password","password_file","username"] },
          "oauth2": {
            attrs: ["client_id","client_secret","client_secret_file","endpoint_params","no_proxy","proxy_connect_header","proxy_from_environment","proxy_url","scopes","token_url"],
            blocks: {
              "tls_config": { attrs: ["ca_file","ca_pem","cert_file","cert_pem","insecure_skip_verify","key_file","key_pem","min_version","server_name"] },
            },
          },
          "queue_config": { attrs: ["block_on_overflow","capacity","drain_timeout","min_shards"] },
          "tls_config": { attrs: ["ca_file","ca_pem","cert_file","cert_pem","insecure_skip_verify","key_file","key_pem","min_version","server_name"] },
        },
      },
      "wal": { attrs: ["drain_timeout","enabled","max_read_frequency","max_segment_age","min_read_frequency"] },
    },
  },
  "otelcol.connector.servicegraph": {
    doc: "docs/sources/reference/components/otelcol/otelcol.connector.servicegraph.md",
    exports: ["input"],
    attrs: ["cache_loop","database_name_attribute","database_name_attributes","dimensions","exponential_histogram_max_size","latency_histogram_buckets","metrics_flush_interval","store_expiration_loop","virtual_node_extra_label","virtual_node_peer_attributes"],
    blocks: {
      "debug_metrics": { attrs: ["disable_high_cardinality_metrics"] },
      "output": { attrs: ["metrics"] },
      "store": { attrs: ["max_items","ttl"] },
    },
  },
  "otelcol.connector.spanmetrics": {
    doc: "docs/sources/reference/components/otelcol/otelcol.connector.spanmetrics.md",
    exports: ["input"],
    attrs: ["aggregation_cardinality_limit","aggregation_temporality","dimensions_cache_size","exclude_dimensions","include_collector_instance_id","include_instrumentation_scope","metric_timestamp_cache_size","metrics_expiration","metrics_flush_interval","namespace","resource_metrics_cache_size","resource_metrics_key_attributes","series_expiration"],
    blocks: {
      "calls_dimension": { attrs: ["default","name"] },
      "debug_metrics": { attrs: ["disable_high_cardinality_metrics"] },
      "dimension": { attrs: ["default","name"] },
      "events": {
        attrs: ["enabled"],
        blocks: {
          "dimension": { attrs: ["default","name"] },
        },
      },
      "exemplars": { attrs: ["enabled","max_per_data_point"] },
      "histogram": {
        attrs: ["disable","unit"],
        blocks: {
          "dimension": { attrs: ["default","name"] },
          "explicit": { attrs: ["buckets"] },
          "exponential": { attrs: ["max_size"] },
        },
      },
      "output": { attrs: ["metrics"] },
    },
  },
  "otelcol.exporter.loadbalancing": {
    doc: "docs/sources/reference/components/otelcol/otelcol.exporter.loadbalancing.md",
    exports: ["input"],
    attrs: ["routing_key","timeout"],
    blocks: {
      "debug_metrics": { attrs: ["disable_high_cardinality_metrics"] },
      "protocol": {
        attrs: [],
        blocks: {
          "otlp": {
            attrs: [],
            blocks: {
              "client": {
                attrs: ["auth","authority","balancer_name","compression","headers","read_buffer_size","wait_for_ready","write_buffer_size"],
                blocks: {
                  "keepalive": { attrs: ["ping_response_timeout","ping_wait","ping_without_stream"] },
                  "tls": {
                    attrs: ["ca_file","ca_pem","cert_file","cert_pem","cipher_suites","curve_preferences","include_system_ca_certs_pool","insecure","insecure_skip_verify","key_file","key_pem","max_version","min_version","reload_interval","server_name"],
                    blocks: {
                      "tpm": { attrs: ["auth","enabled","owner_auth","path"] },
                    },
                  },
                },
              },
              "queue": { attrs: ["block_on_overflow","enabled","num_consumers","queue_size","sizer","storage","wait_for_result"] },
              "retry": { attrs: ["enabled","initial_interval","max_elapsed_time","max_interval","multiplier","randomization_factor"] },
            },
          },
        },
      },
      "resolver": {
        attrs: [],
        blocks: {
          "aws_cloud_map": { attrs: ["health_status","interval","namespace","owner_account","port","service_name","timeout"] },
          "dns": { attrs: ["hostname","interval","port","timeout"] },
          "kubernetes": { attrs: ["ports","return_hostnames","service","timeout"] },
          "static": { attrs: ["hostnames"] },
        },
      },
      "retry": { attrs: ["enabled","initial_interval","max_elapsed_time","max_interval","multiplier","randomization_factor"] },
      "sending_queue": {
        attrs: ["block_on_overflow","enabled","num_consumers","queue_size","sizer","storage","wait_for_result"],
        blocks: {
          "batch": { attrs: ["flush_timeout","max_size","min_size","sizer"] },
        },
      },
    },
  },
  "otelcol.exporter.loki": {
    doc: "docs/sources/reference/components/otelcol/otelcol.exporter.loki.md",
    exports: ["input"], attrs: ["forward_to"] },
  "otelcol.exporter.otlp": {
    doc: "docs/sources/reference/components/otelcol/otelcol.exporter.otlp.md",
    exports: ["input"],
    attrs: ["timeout"],
    blocks: {
      "client": {
        attrs: ["auth","authority","balancer_name","compression","endpoint","headers","read_buffer_size","wait_for_ready","write_buffer_size"],
        blocks: {
          "keepalive": { attrs: ["ping_response_timeout","ping_wait","ping_without_stream"] },
          "tls": {
            attrs: ["ca_file","ca_pem","cert_file","cert_pem","cipher_suites","curve_preferences","include_system_ca_certs_pool","insecure","insecure_skip_verify","key_file","key_pem","max_version","min_version","reload_interval","server_name"],
            blocks: {
              "tpm": { attrs: ["auth","enabled","owner_auth","path"] },
            },
          },
        },
      },
      "debug_metrics": { attrs: ["disable_high_cardinality_metrics"] },
      "retry_on_failure": { attrs: ["enabled","initial_interval","max_elapsed_time","max_interval","multiplier","randomization_factor"] },
      "sending_queue": {
        attrs: ["block_on_overflow","enabled","num_consumers","queue_size","sizer","storage","wait_for_result"],
        blocks: {
          "batch": { attrs: ["flush_timeout","max_size","min_size","sizer"] },
        },
      },
    },
  },
  "otelcol.exporter.prometheus": {
    doc: "docs/sources/reference/components/otelcol/otelcol.exporter.prometheus.md",
    exports: ["input"],
    attrs: ["add_metric_suffixes","convert_classic_histograms_to_nhcb","forward_to","gc_frequency","honor_metadata","include_scope_info","include_scope_labels","include_target_info","keep_identifying_resource_attributes","resource_to_telemetry_conversion"], experimental: ["convert_classic_histograms_to_nhcb","honor_metadata"],
    blocks: {
      "debug_metrics": { attrs: ["disable_high_cardinality_metrics"] },
    },
  },
  "otelcol.processor.attributes": {
    doc: "docs/sources/reference/components/otelcol/otelcol.processor.attributes.md",
    exports: ["input"],
    attrs: [],
    blocks: {
      "action": { attrs: ["action","converted_type","from_attribute","from_context","key","pattern","value"] },
      "debug_metrics": { attrs: ["disable_high_cardinality_metrics"] },
      "exclude": {
        attrs: ["log_bodies","log_severity_texts","match_type","metric_names","services","span_kinds","span_names"],
        blocks: {
          "attribute": { attrs: ["key","value"] },
          "library": { attrs: ["name","version"] },
          "log_severity": { attrs: ["match_undefined","min"] },
          "regexp": { attrs: ["cache_enabled","cache_max_num_entries"] },
          "resource": { attrs: ["key","value"] },
        },
      },
      "include": {
        attrs: ["log_bodies","log_severity_texts","match_type","metric_names","services","span_kinds","span_names"],
        blocks: {
          "attribute": { attrs: ["key","value"] },
          "library": { attrs: ["name","version"] },
          "log_severity": { attrs: ["match_undefined","min"] },
          "regexp": { attrs: ["cache_enabled","cache_max_num_entries"] },
          "resource": { attrs: ["key","value"] },
        },
      },
      "output": { attrs: ["logs","metrics","traces"] },
    },
  },
  "otelcol.processor.batch": {
    doc: "docs/sources/reference/components/otelcol/otelcol.processor.batch.md",
    exports: ["input"],
    attrs: ["metadata_cardinality_limit","metadata_keys","send_batch_max_size","send_batch_size","timeout"],
    blocks: {
      "debug_metrics": { attrs: ["disable_high_cardinality_metrics"] },
      "output": { attrs: ["logs","metrics","traces"] },
    },
  },
  "otelcol.processor.k8sattributes": {
    doc: "docs/sources/reference/components/otelcol/otelcol.processor.k8sattributes.md",
    exports: ["input"],
    attrs: ["auth_type","passthrough","wait_for_metadata","wait_for_metadata_timeout","watch_sync_period"],
    blocks: {
      "debug_metrics": { attrs: ["disable_high_cardinality_metrics"] },
      "exclude": {
        attrs: [],
        blocks: {
          "pod": { attrs: ["name"] },
        },
      },
      "extract": {
        attrs: ["deployment_name_from_replicaset","metadata","otel_annotations"],
        blocks: {
          "annotation": { attrs: ["from","key","key_regex","tag_name"] },
          "label": { attrs: ["from","key","key_regex","tag_name"] },
        },
      },
      "filter": {
        attrs: ["namespace","node"],
        blocks: {
          "field": { attrs: ["key","op","value"] },
          "label": { attrs: ["key","op","value"] },
        },
      },
      "output": { attrs: ["logs","metrics","traces"] },
      "pod_association": {
        attrs: [],
        blocks: {
          "source": { attrs: ["from","name"] },
        },
      },
    },
  },
  "otelcol.processor.memory_limiter": {
    doc: "docs/sources/reference/components/otelcol/otelcol.processor.memory_limiter.md",
    exports: ["input"],
    attrs: ["check_interval","limit","limit_percentage","spike_limit","spike_limit_percentage"],
    blocks: {
      "debug_metrics": { attrs: ["disable_high_cardinality_metrics"] },
      "output": { attrs: ["logs","metrics","traces"] },
    },
  },
  "otelcol.processor.tail_sampling": {
    doc: "docs/sources/reference/components/otelcol/otelcol.processor.tail_sampling.md",
    exports: ["input"],
    attrs: ["block_on_overflow","decision_cache","decision_wait","decision_wait_after_root_received","drop_pending_traces_on_shutdown","expected_new_traces_per_sec","maximum_trace_size_bytes","num_traces","sample_on_first_match"],
    blocks: {
      "debug_metrics": { attrs: ["disable_high_cardinality_metrics"] },
      "output": { attrs: ["logs","metrics","traces"] },
      "policy": {
        attrs: ["name","type"],
        blocks: {
          "and": {
            attrs: [],
            blocks: {
              "and_sub_policy": {
                attrs: ["name","type"],
                blocks: {
                  "boolean_attribute": { attrs: ["invert_match","key","value"] },
                  "bytes_limiting": { attrs: ["burst_capacity","bytes_per_second"] },
                  "latency": { attrs: ["threshold_ms","upper_threshold_ms"] },
                  "numeric_attribute": { attrs: ["invert_match","key","max_value","min_value"] },
                  "ottl_condition": { attrs: ["error_mode","span","spanevent"] },
                  "probabilistic": { attrs: ["hash_salt","sampling_percentage"] },
                  "rate_limiting": { attrs: ["burst_capacity","spans_per_second"] },
                  "span_count": { attrs: ["max_spans","min_spans"] },
                  "status_code": { attrs: ["status_codes"] },
                  "string_attribute": { attrs: ["cache_max_size","enabled_regex_matching","invert_match","key","values"] },
                  "trace_state": { attrs: ["key","values"] },
                },
              },
            },
          },
          "boolean_attribute": { attrs: ["invert_match","key","value"] },
          "bytes_limiting": { attrs: ["burst_capacity","bytes_per_second"] },
          "composite": {
            attrs: [],
            blocks: {
              "composite_sub_policy": {
                attrs: ["name","type"],
                blocks: {
                  "boolean_attribute": { attrs: ["invert_match","key","value"] },
                  "bytes_limiting": { attrs: ["burst_capacity","bytes_per_second"] },
                  "latency": { attrs: ["threshold_ms","upper_threshold_ms"] },
                  "numeric_attribute": { attrs: ["invert_match","key","max_value","min_value"] },
                  "ottl_condition": { attrs: ["error_mode","span","spanevent"] },
                  "probabilistic": { attrs: ["hash_salt","sampling_percentage"] },
                  "rate_limiting": { attrs: ["burst_capacity","spans_per_second"] },
                  "span_count": { attrs: ["max_spans","min_spans"] },
                  "status_code": { attrs: ["status_codes"] },
                  "string_attribute": { attrs: ["cache_max_size","enabled_regex_matching","invert_match","key","values"] },
                  "trace_state": { attrs: ["key","values"] },
                },
              },
            },
          },
          "drop": {
            attrs: [],
            blocks: {
              "drop_sub_policy": {
                attrs: ["name","type"],
                blocks: {
                  "boolean_attribute": { attrs: ["invert_match","key","value"] },
                  "bytes_limiting": { attrs: ["burst_capacity","bytes_per_second"] },
                  "latency": { attrs: ["threshold_ms","upper_threshold_ms"] },
                  "numeric_attribute": { attrs: ["invert_match","key","max_value","min_value"] },
                  "ottl_condition": { attrs: ["error_mode","span","spanevent"] },
                  "probabilistic": { attrs: ["hash_salt","sampling_percentage"] },
                  "rate_limiting": { attrs: ["burst_capacity","spans_per_second"] },
                  "span_count": { attrs: ["max_spans","min_spans"] },
                  "status_code": { attrs: ["status_codes"] },
                  "string_attribute": { attrs: ["cache_max_size","enabled_regex_matching","invert_match","key","values"] },
                  "trace_state": { attrs: ["key","values"] },
                },
              },
            },
          },
          "latency": { attrs: ["threshold_ms","upper_threshold_ms"] },
          "not": {
            attrs: [],
            blocks: {
              "not_sub_policy": {
                attrs: ["name","type"],
                blocks: {
                  "boolean_attribute": { attrs: ["invert_match","key","value"] },
                  "bytes_limiting": { attrs: ["burst_capacity","bytes_per_second"] },
                  "latency": { attrs: ["threshold_ms","upper_threshold_ms"] },
                  "numeric_attribute": { attrs: ["invert_match","key","max_value","min_value"] },
                  "ottl_condition": { attrs: ["error_mode","span","spanevent"] },
                  "probabilistic": { attrs: ["hash_salt","sampling_percentage"] },
                  "rate_limiting": { attrs: ["burst_capacity","spans_per_second"] },
                  "span_count": { attrs: ["max_spans","min_spans"] },
                  "status_code": { attrs: ["status_codes"] },
                  "string_attribute": { attrs: ["cache_max_size","enabled_regex_matching","invert_match","key","values"] },
                  "trace_state": { attrs: ["key","values"] },
                },
              },
            },
          },
          "numeric_attribute": { attrs: ["invert_match","key","max_value","min_value"] },
          "ottl_condition": { attrs: ["error_mode","span","spanevent"] },
          "probabilistic": { attrs: ["hash_salt","sampling_percentage"] },
          "rate_limiting": { attrs: ["burst_capacity","spans_per_second"] },
          "span_count": { attrs: ["max_spans","min_spans"] },
          "status_code": { attrs: ["status_codes"] },
          "string_attribute": { attrs: ["cache_max_size","enabled_regex_matching","invert_match","key","values"] },
          "trace_state": { attrs: ["key","values"] },
        },
      },
    },
  },
  "otelcol.receiver.jaeger": {
    doc: "docs/sources/reference/components/otelcol/otelcol.receiver.jaeger.md",
    exports: [],
    attrs: [],
    blocks: {
      "debug_metrics": { attrs: ["disable_high_cardinality_metrics"] },
      "output": { attrs: ["logs","metrics","traces"] },
      "protocols": {
        attrs: [],
        blocks: {
          "grpc": {
            attrs: ["auth","endpoint","include_metadata","max_concurrent_streams","max_recv_msg_size","read_buffer_size","transport","write_buffer_size"],
            blocks: {
              "keepalive": {
                attrs: [],
                blocks: {
                  "enforcement_policy": { attrs: ["min_time","permit_without_stream"] },
                  "server_parameters": { attrs: ["max_connection_age","max_connection_age_grace","max_connection_idle","time","timeout"] },
                },
              },
              "tls": {
                attrs: ["ca_file","ca_pem","cert_file","cert_pem","cipher_suites","client_ca_file","curve_preferences","include_system_ca_certs_pool","key_file","key_pem","max_version","min_version","reload_interval"],
                blocks: {
                  "tpm": { attrs: ["auth","enabled","owner_auth","path"] },
                },
              },
            },
          },
          "thrift_binary": { attrs: ["endpoint","max_packet_size","queue_size","socket_buffer_size","workers"] },
          "thrift_compact": { attrs: ["endpoint","max_packet_size","queue_size","socket_buffer_size","workers"] },
          "thrift_http": {
            attrs: ["auth","compression_algorithms","endpoint","idle_timeout","include_metadata","keep_alives_enabled","max_request_body_size","read_header_timeout","read_timeout","write_timeout"],
            blocks: {
              "cors": { attrs: ["allowed_headers","allowed_origins","max_age"] },
              "tls": {
                attrs: ["ca_file","ca_pem","cert_file","cert_pem","cipher_suites","client_ca_file","curve_preferences","include_system_ca_certs_pool","key_file","key_pem","max_version","min_version","reload_interval"],
                blocks: {
                  "tpm": { attrs: ["auth","enabled","owner_auth","path"] },
                },
              },
            },
          },
        },
      },
    },
  },
  "otelcol.receiver.otlp": {
    doc: "docs/sources/reference/components/otelcol/otelcol.receiver.otlp.md",
    exports: [],
    attrs: [],
    blocks: {
      "debug_metrics": { attrs: ["disable_high_cardinality_metrics"] },
      "grpc": {
        attrs: ["auth","endpoint","include_metadata","max_concurrent_streams","max_recv_msg_size","read_buffer_size","transport","write_buffer_size"],
        blocks: {
          "keepalive": {
            attrs: [],
            blocks: {
              "enforcement_policy": { attrs: ["min_time","permit_without_stream"] },
              "server_parameters": { attrs: ["max_connection_age","max_connection_age_grace","max_connection_idle","time","timeout"] },
            },
          },
          "tls": {
            attrs: ["ca_file","ca_pem","cert_file","cert_pem","cipher_suites","client_ca_file","curve_preferences","include_system_ca_certs_pool","key_file","key_pem","max_version","min_version","reload_interval"],
            blocks: {
              "tpm": { attrs: ["auth","enabled","owner_auth","path"] },
            },
          },
        },
      },
      "http": {
        attrs: ["auth","compression_algorithms","endpoint","idle_timeout","include_metadata","keep_alives_enabled","logs_url_path","max_request_body_size","metrics_url_path","read_header_timeout","read_timeout","traces_url_path","write_timeout"],
        blocks: {
          "cors": { attrs: ["allowed_headers","allowed_origins","max_age"] },
          "tls": {
            attrs: ["ca_file","ca_pem","cert_file","cert_pem","cipher_suites","client_ca_file","curve_preferences","include_system_ca_certs_pool","key_file","key_pem","max_version","min_version","reload_interval"],
            blocks: {
              "tpm": { attrs: ["auth","enabled","owner_auth","path"] },
            },
          },
        },
      },
      "output": { attrs: ["logs","metrics","traces"] },
    },
  },
  "otelcol.receiver.zipkin": {
    doc: "docs/sources/reference/components/otelcol/otelcol.receiver.zipkin.md",
    exports: [],
    attrs: ["auth","compression_algorithms","endpoint","idle_timeout","include_metadata","keep_alives_enabled","max_request_body_size","parse_string_tags","read_header_timeout","read_timeout","write_timeout"],
    blocks: {
      "cors": { attrs: ["allowed_headers","allowed_origins","max_age"] },
      "debug_metrics": { attrs: ["disable_high_cardinality_metrics"] },
      "output": { attrs: ["logs","metrics","traces"] },
      "tls": {
        attrs: ["ca_file","ca_pem","cert_file","cert_pem","cipher_suites","client_ca_file","curve_preferences","include_system_ca_certs_pool","key_file","key_pem","max_version","min_version","reload_interval"],
        blocks: {
          "tpm": { attrs: ["auth","enabled","owner_auth","path"] },
        },
      },
    },
  },
  "prometheus.exporter.self": {
    doc: "docs/sources/reference/components/prometheus/prometheus.exporter.self.md",
    exports: ["targets"], attrs: [] },
  "prometheus.operator.podmonitors": {
    doc: "docs/sources/reference/components/prometheus/prometheus.operator.podmonitors.md",
    exports: [],
    attrs: ["forward_to","informer_sync_timeout","namespaces"],
    blocks: {
      "client": {
        attrs: ["api_server","bearer_token","bearer_token_file","enable_http2","follow_redirects","http_headers","kubeconfig_file","no_proxy","proxy_connect_header","proxy_from_environment","proxy_url"],
        blocks: {
          "authorization": { attrs: ["credentials","credentials_file","type"] },
          "basic_auth": { attrs: ["password","password_file","username"] },
          "oauth2": {
            attrs: ["client_id","client_secret","client_secret_file","endpoint_params","no_proxy","proxy_connect_header","proxy_from_environment","proxy_url","scopes","token_url"],
            blocks: {
              "tls_config": { attrs: ["ca_file","ca_pem","cert_file","cert_pem","insecure_skip_verify","key_file","key_pem","min_version","server_name"] },
            },
          },
          "tls_config": { attrs: ["ca_file","ca_pem","cert_file","cert_pem","insecure_skip_verify","key_file","key_pem","min_version","server_name"] },
        },
      },
      "clustering": { attrs: ["enabled"] },
      "rule": { attrs: ["action","modulus","regex","replacement","separator","source_labels","target_label"] },
      "scrape": { attrs: ["default_sample_limit","default_scrape_interval","default_scrape_timeout","enable_type_and_unit_labels","honor_metadata","scrape_native_histograms"], experimental: ["enable_type_and_unit_labels","honor_metadata"] },
      "selector": {
        attrs: ["match_labels"],
        blocks: {
          "match_expression": { attrs: ["key","operator","values"] },
        },
      },
    },
  },
  "prometheus.operator.servicemonitors": {
    doc: "docs/sources/reference/components/prometheus/prometheus.operator.servicemonitors.md",
    exports: [],
    attrs: ["forward_to","informer_sync_timeout","kubernetes_role","namespaces"],
    blocks: {
      "client": {
        attrs: ["api_server","bearer_token","bearer_token_file","enable_http2","follow_redirects","http_headers","kubeconfig_file","no_proxy","proxy_connect_header","proxy_from_environment","proxy_url"],
        blocks: {
          "authorization": { attrs: ["credentials","credentials_file","type"] },
          "basic_auth": { attrs: ["password","password_file","username"] },
          "oauth2": {
            attrs: ["client_id","client_secret","client_secret_file","endpoint_params","no_proxy","proxy_connect_header","proxy_from_environment","proxy_url","scopes","token_url"],
            blocks: {
              "tls_config": { attrs: ["ca_file","ca_pem","cert_file","cert_pem","insecure_skip_verify","key_file","key_pem","min_version","server_name"] },
            },
          },
          "tls_config": { attrs: ["ca_file","ca_pem","cert_file","cert_pem","insecure_skip_verify","key_file","key_pem","min_version","server_name"] },
        },
      },
      "clustering": { attrs: ["enabled"] },
      "rule": { attrs: ["action","modulus","regex","replacement","separator","source_labels","target_label"] },
      "scrape": { attrs: ["default_sample_limit","default_scrape_interval","default_scrape_timeout","enable_type_and_unit_labels","honor_metadata","scrape_native_histograms"], experimental: ["enable_type_and_unit_labels","honor_metadata"] },
      "selector": {
        attrs: ["match_labels"],
        blocks: {
          "match_expression": { attrs: ["key","operator","values"] },
        },
      },
    },
  },
  "prometheus.relabel": {
    doc: "docs/sources/reference/components/prometheus/prometheus.relabel.md",
    exports: ["receiver","rules"],
    attrs: ["cache_ttl","forward_to","max_cache_size"],
    blocks: {
      "rule": { attrs: ["action","modulus","regex","replacement","separator","source_labels","target_label"] },
    },
  },
  "prometheus.remote_write": {
    doc: "docs/sources/reference/components/prometheus/prometheus.remote_write.md",
    exports: ["receiver"],
    attrs: ["external_labels"],
    blocks: {
      "endpoint": {
        attrs: ["bearer_token","bearer_token_file","enable_http2","follow_redirects","headers","http_headers","name","no_proxy","protobuf_message","proxy_connect_header","proxy_from_environment","proxy_url","remote_timeout","round_robin_dns","send_exemplars","send_native_histograms","url"], experimental: ["protobuf_message"],
        blocks: {
          "authorization": { attrs: ["credentials","credentials_file","type"] },
          "azuread": {
            attrs: ["cloud","scope"],
            blocks: {
              "managed_identity": { attrs: ["client_id"] },
              "oauth": { attrs: ["client_id","client_secret","tenant_id"] },
              "sdk": { attrs: ["tenant_id"] },
              "workload_identity": { attrs: ["client_id","tenant_id","token_file_path"] },
            },
          },
          "basic_auth": { attrs: ["password","password_file","username"] },
          "google_iam": { attrs: ["credentials_file"] },
          "metadata_config": { attrs: ["max_samples_per_send","send","send_interval"] },
          "oauth2": {
            attrs: ["client_id","client_secret","client_secret_file","endpoint_params","no_proxy","proxy_connect_header","proxy_from_environment","proxy_url","scopes","token_url"],
            blocks: {
              "tls_config": { attrs: ["ca_file","ca_pem","cert_file","cert_pem","insecure_skip_verify","key_file","key_pem","min_version","server_name"] },
            },
          },
          "queue_config": { attrs: ["batch_send_deadline","capacity","max_backoff","max_samples_per_send","max_shards","min_backoff","min_shards","retry_on_http_429","sample_age_limit"] },
          "sigv4": { attrs: ["access_key","external_id","profile","region","role_arn","secret_key","service_name","use_fips_sts_endpoint"] },
          "tls_config": { attrs: ["ca_file","ca_pem","cert_file","cert_pem","insecure_skip_verify","key_file","key_pem","min_version","server_name"] },
          "write_relabel_config": { attrs: ["action","modulus","regex","replacement","separator","source_labels","target_label"] },
        },
      },
      "wal": { attrs: ["max_keepalive_time","min_keepalive_time","truncate_frequency"] },
    },
  },
  "prometheus.scrape": {
    doc: "docs/sources/reference/components/prometheus/prometheus.scrape.md",
    exports: [],
    attrs: ["bearer_token","bearer_token_file","body_size_limit","convert_classic_histograms_to_nhcb","enable_compression","enable_http2","enable_protobuf_negotiation","enable_type_and_unit_labels","extra_metrics","follow_redirects","forward_to","honor_labels","honor_metadata","honor_timestamps","http_headers","job_name","label_limit","label_name_length_limit","label_value_length_limit","metric_name_escaping_scheme","metric_name_validation_scheme","metrics_path","native_histogram_bucket_limit","native_histogram_min_bucket_factor","no_proxy","params","proxy_connect_header","proxy_from_environment","proxy_url","sample_limit","scheme","scrape_classic_histograms","scrape_failure_log_file","scrape_fallback_protocol","scrape_interval","scrape_native_histograms","scrape_protocols","scrape_timeout","target_limit","targets","track_timestamps_staleness"], experimental: ["enable_type_and_unit_labels","honor_metadata"],
    blocks: {
      "authorization": { attrs: ["credentials","credentials_file","type"] },
      "basic_auth": { attrs: ["password","password_file","username"] },
      "clustering": { attrs: ["enabled"] },
      "oauth2": {
        attrs: ["client_id","client_secret","client_secret_file","endpoint_params","no_proxy","proxy_connect_header","proxy_from_environment","proxy_url","scopes","token_url"],
        blocks: {
          "tls_config": { attrs: ["ca_file","ca_pem","cert_file","cert_pem","insecure_skip_verify","key_file","key_pem","min_version","server_name"] },
        },
      },
      "tls_config": { attrs: ["ca_file","ca_pem","cert_file","cert_pem","insecure_skip_verify","key_file","key_pem","min_version","server_name"] },
    },
  },
};
