{{/*
Expand the name of the chart.
*/}}
{{- define "kbatch-proxy.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name.
We truncate at 63 chars because some Kubernetes name fields are limited to this (by the DNS naming spec).
If release name contains chart name it will be used as a full name.
*/}}
{{- define "kbatch-proxy.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Create chart name and version as used by the chart label.
*/}}
{{- define "kbatch-proxy.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels
*/}}
{{- define "kbatch-proxy.labels" -}}
helm.sh/chart: {{ include "kbatch-proxy.chart" . }}
{{ include "kbatch-proxy.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels
*/}}
{{- define "kbatch-proxy.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kbatch-proxy.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Create the name of the service account to use
*/}}
{{- define "kbatch-proxy.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "kbatch-proxy.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The Secret holding the hub token, and its key: app.existingSecret when named, else the chart's own.
*/}}
{{- define "kbatch-proxy.tokenSecretName" -}}
{{- .Values.app.existingSecret.name | default (include "kbatch-proxy.fullname" .) }}
{{- end }}

{{- define "kbatch-proxy.tokenSecretKey" -}}
{{- if .Values.app.existingSecret.name }}
{{- required "app.existingSecret.key is required with app.existingSecret.name" .Values.app.existingSecret.key }}
{{- else -}}
jupyterhub-api-token
{{- end }}
{{- end }}

{{/*
Where the job settings of the chart's ConfigMap are mounted.
*/}}
{{- define "kbatch-proxy.configDir" -}}
/etc/kbatch-proxy
{{- end }}

{{/*
The ConfigMap's data: the job template, the profiles, the per-user ResourceQuota and LimitRange, as YAML files (only
those that are set).
*/}}
{{- define "kbatch-proxy.configData" -}}
{{- with .Values.app.job_template }}
job-template.yaml: |
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.app.profiles }}
profiles.yaml: |
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.app.user_resource_quota }}
user-resource-quota.yaml: |
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.app.user_limit_range }}
user-limit-range.yaml: |
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
The namespaces that get a Role (as a JSON list, sorted, without duplicates), or [] for a ClusterRole. Roles suffice
when the proxy only ever works in namespaces the admin named: it creates no namespace (create_user_namespace false),
every user is placed in job_namespace or a namespace_by_group namespace (job_namespace set, or the fallback "deny"),
and no cleanup lists namespaces cluster-wide (delete_empty_namespaces_after empty).
*/}}
{{- define "kbatch-proxy.roleNamespaces" -}}
{{- $app := .Values.app }}
{{- $byGroup := $app.namespace_by_group | default dict }}
{{- $namespaces := list }}
{{- if and (not $app.create_user_namespace) (not (include "kbatch-proxy.deleteEmptyNamespacesAfter" .)) }}
{{- if or $app.job_namespace (and $byGroup (eq (include "kbatch-proxy.namespaceFallback" .) "deny")) }}
{{- with $app.job_namespace }}
{{- $namespaces = append $namespaces . }}
{{- end }}
{{- range $group, $namespace := $byGroup }}
{{- $namespaces = append $namespaces $namespace }}
{{- end }}
{{- end }}
{{- end }}
{{- $namespaces | uniq | sortAlpha | toJson }}
{{- end }}

{{/*
app.namespace_by_group_fallback, checked: user (the default) or deny.
*/}}
{{- define "kbatch-proxy.namespaceFallback" -}}
{{- $fallback := .Values.app.namespace_by_group_fallback | default "user" }}
{{- if not (has $fallback (list "user" "deny")) }}
{{- fail (printf "app.namespace_by_group_fallback must be user or deny, got %v" $fallback) }}
{{- end }}
{{- $fallback }}
{{- end }}

{{/*
app.delete_empty_namespaces_after as a string, checked: seconds, or a number with s, m, h or d; "" when off.
*/}}
{{- define "kbatch-proxy.deleteEmptyNamespacesAfter" -}}
{{- $after := .Values.app.delete_empty_namespaces_after | default "" }}
{{- if kindIs "float64" $after }}
{{- $after = $after | int64 }}
{{- end }}
{{- $after = toString $after }}
{{- if and $after (not (regexMatch "^[0-9]+[smhd]?$" $after)) }}
{{- fail (printf "app.delete_empty_namespaces_after must be seconds or e.g. 30m, 24h, 7d, got %v" $after) }}
{{- end }}
{{- $after }}
{{- end }}

{{/*
The rules of the ClusterRole or of each Role: exactly org.kbatch.proxy.kube.KubernetesPermissions.required(...) for
these features (a chart test compares them both ways). Takes a dict: createNamespaces, resourceQuota, limitRange,
cleanup (booleans).
*/}}
{{- define "kbatch-proxy.rbacRules" -}}
{{- $namespaceVerbs := list }}
{{- if .createNamespaces }}
{{- $namespaceVerbs = append $namespaceVerbs "create" }}
{{- end }}
{{- if .cleanup }}
{{- $namespaceVerbs = concat $namespaceVerbs (list "list" "patch" "delete") }}
{{- end }}
{{- if $namespaceVerbs }}
{{- if .createNamespaces }}
# the user's namespace, created on their first submission
{{- end }}
{{- if .cleanup }}
# the empty-namespace cleanup: lists the namespaces the proxy created, stamps them (patch) and deletes them
{{- end }}
- apiGroups: [""]
  resources: [namespaces]
  verbs: [{{ join ", " $namespaceVerbs }}]
{{- end }}
# the job's secrets and code: created, owned by the job (merge patch), deleted on a failed submission (by name, and
# swept by label: deletecollection)
- apiGroups: [""]
  resources: [secrets]
  verbs: [create, patch, delete, deletecollection]
- apiGroups: [""]
  resources: [configmaps]
  verbs: [create, patch, delete, deletecollection]
- apiGroups: [batch]
  resources: [jobs]
  verbs: [create, get, list, watch, delete, deletecollection]
- apiGroups: [batch]
  resources: [cronjobs]
  verbs: [create, get, list, patch, delete, deletecollection]
# pods are listed and read (logs are a plain GET of pods/log, no watch)
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list]
- apiGroups: [""]
  resources: [pods/log]
  verbs: [get]
# a job's events and its pods' events
- apiGroups: [""]
  resources: [events]
  verbs: [list]
{{- if .resourceQuota }}
# the admin's ResourceQuota, created in each user namespace
- apiGroups: [""]
  resources: [resourcequotas]
  verbs: [create]
{{- end }}
{{- if .limitRange }}
# the admin's LimitRange, created in each user namespace
- apiGroups: [""]
  resources: [limitranges]
  verbs: [create]
{{- end }}
{{- end }}

{{/*
The content of an extraFiles entry: stringData as is, data as YAML (JSON for *.json); binaryData is handled apart.
*/}}
{{- define "kbatch-proxy.extraFileContent" -}}
{{- if hasKey .file "stringData" }}
{{- .file.stringData }}
{{- else if hasKey .file "data" }}
{{- if hasSuffix ".json" .file.mountPath }}
{{- toPrettyJson .file.data }}
{{- else }}
{{- toYaml .file.data }}
{{- end }}
{{- end }}
{{- end }}
