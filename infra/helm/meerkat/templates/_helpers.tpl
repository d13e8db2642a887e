{{/*
Chart name, truncated to the 63 characters Kubernetes allows in names.
*/}}
{{- define "meerkat.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified release name: <release>-<chart>, or the release name alone when it already
contains the chart name.
*/}}
{{- define "meerkat.fullname" -}}
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
Name of one component's objects: <fullname>-<component>.
Usage: include "meerkat.componentName" (dict "root" $ "component" "api")
*/}}
{{- define "meerkat.componentName" -}}
{{- printf "%s-%s" (include "meerkat.fullname" .root | trunc 52 | trimSuffix "-") .component }}
{{- end }}

{{- define "meerkat.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels shared by every object. Usage: include "meerkat.labels" (dict "root" $ "component" "api")
*/}}
{{- define "meerkat.labels" -}}
helm.sh/chart: {{ include "meerkat.chart" .root }}
{{ include "meerkat.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: meerkat
{{- end }}

{{- define "meerkat.selectorLabels" -}}
app.kubernetes.io/name: {{ include "meerkat.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end }}

{{/*
Image reference of a component. Usage: include "meerkat.image" (dict "root" $ "image" .Values.api.image)
*/}}
{{- define "meerkat.image" -}}
{{- $root := .root }}
{{- $tag := .image.tag | default $root.Values.image.tag | default $root.Chart.AppVersion }}
{{- $repository := .image.repository }}
{{- with $root.Values.image.registry }}
{{- $repository = printf "%s/%s" (trimSuffix "/" .) $repository }}
{{- end }}
{{- printf "%s:%s" $repository (toString $tag) }}
{{- end }}

{{/*
SERVICE_VERSION of every component: config.serviceVersion, else the chart's appVersion.
*/}}
{{- define "meerkat.serviceVersion" -}}
{{- .Values.config.serviceVersion | default .Chart.AppVersion | toString }}
{{- end }}

{{/*
"true" when any literal secret value is given.
*/}}
{{- define "meerkat.hasLiteralSecrets" -}}
{{- $s := .Values.secrets }}
{{- if or $s.databaseUrl $s.redisUrl $s.anthropicApiKey $s.openaiApiKey $s.geminiApiKey $s.selfHostedApiKey $s.webhookSecret $s.apiKeys $s.extraEnv }}true{{ end }}
{{- end }}

{{/*
Name of the Secret the services read their secret variables from.
*/}}
{{- define "meerkat.secretName" -}}
{{- if .Values.existingSecret }}
{{- .Values.existingSecret }}
{{- else }}
{{- include "meerkat.fullname" . }}
{{- end }}
{{- end }}

{{/*
Fails the render with a clear message when the database and Redis URLs have no source.
*/}}
{{- define "meerkat.validate" -}}
{{- if not .Values.existingSecret }}
{{- if not .Values.secrets.databaseUrl }}
{{- fail "meerkat: set existingSecret (a Secret with keys DATABASE_URL and REDIS_URL) or secrets.databaseUrl" }}
{{- end }}
{{- if not .Values.secrets.redisUrl }}
{{- fail "meerkat: set existingSecret (a Secret with keys DATABASE_URL and REDIS_URL) or secrets.redisUrl" }}
{{- end }}
{{- else if include "meerkat.hasLiteralSecrets" . }}
{{- fail "meerkat: existingSecret and literal secrets.* values are mutually exclusive; put every secret in the existing Secret" }}
{{- end }}
{{- end }}

{{/*
Pod annotations that roll the pods when the chart's ConfigMap or Secret changes.
*/}}
{{- define "meerkat.checksumAnnotations" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
{{- if not .Values.existingSecret }}
checksum/secret: {{ include (print .Template.BasePath "/secret.yaml") . | sha256sum }}
{{- end }}
{{- end }}

{{/*
envFrom of every service container: the shared ConfigMap and the Secret.
*/}}
{{- define "meerkat.envFrom" -}}
- configMapRef:
    name: {{ include "meerkat.fullname" . }}
- secretRef:
    name: {{ include "meerkat.secretName" . }}
{{- end }}

{{/*
Environment shared by every service container, after envFrom.
Usage: include "meerkat.commonEnv" (dict "root" $ "component" "api" "values" .Values.api)
*/}}
{{- define "meerkat.commonEnv" -}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: OTEL_SERVICE_NAME
  value: {{ printf "meerkat-%s" .component | quote }}
- name: OTEL_RESOURCE_ATTRIBUTES
  value: "service.instance.id=$(POD_NAME),k8s.pod.name=$(POD_NAME),k8s.namespace.name=$(POD_NAMESPACE)"
- name: SHUTDOWN_DEADLINE_MS
  value: {{ .values.shutdownDeadlineMs | int64 | toString | quote }}
{{- with .values.nodeOptions }}
- name: NODE_OPTIONS
  value: {{ . | quote }}
{{- end }}
{{- end }}

{{/*
Pod-level fields shared by every workload: pull secrets, security context, scheduling.
Usage: include "meerkat.podCommon" (dict "root" $ "values" .Values.api)
*/}}
{{- define "meerkat.podCommon" -}}
automountServiceAccountToken: false
{{- with .root.Values.image.pullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .root.Values.podSecurityContext | nindent 2 }}
{{- with .root.Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .root.Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .root.Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
Pod template metadata. Usage: include "meerkat.podMetadata" (dict "root" $ "component" "api")
*/}}
{{- define "meerkat.podMetadata" -}}
labels:
  {{- include "meerkat.selectorLabels" . | nindent 2 }}
  {{- with .root.Values.podLabels }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
annotations:
  {{- include "meerkat.checksumAnnotations" .root | nindent 2 }}
  {{- with .root.Values.podAnnotations }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}
